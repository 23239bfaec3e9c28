package io.consort.cli.tools;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entry point of the command-line tools: {@code Main <tool> [options]}, {@code Main <tool> --help}.
 * Exit status 0 on success, 1 on failure, 2 on a wrong command line.
 */
public final class Main {
    private Main() {
    }

    /** One tool: its help text, its options and flags, and what it runs. */
    public record Tool(String help, Set<String> options, Set<String> flags, Runner runner) {
    }

    @FunctionalInterface
    public interface Runner {
        int run(Args args) throws Exception;
    }

    public static Map<String, Tool> tools() {
        Map<String, Tool> tools = new TreeMap<>();
        tools.put("udp-echo", new Tool(UdpEchoServer.HELP, UdpEchoServer.OPTIONS, UdpEchoServer.FLAGS,
            UdpEchoServer::run));
        tools.put("udp-client", new Tool(UdpEchoClient.HELP, UdpEchoClient.OPTIONS, UdpEchoClient.FLAGS,
            UdpEchoClient::run));
        tools.put("udp-echo-batched", new Tool(BatchedUdpEchoServer.HELP, BatchedUdpEchoServer.OPTIONS,
            BatchedUdpEchoServer.FLAGS, BatchedUdpEchoServer::run));
        tools.put("txgen", new Tool(TxGen.HELP, TxGen.OPTIONS, TxGen.FLAGS, TxGen::run));
        tools.put("rxdrop", new Tool(RxDrop.HELP, RxDrop.OPTIONS, RxDrop.FLAGS, RxDrop::run));
        tools.put("echo", new Tool(XskEcho.HELP, XskEcho.OPTIONS, XskEcho.FLAGS, XskEcho::run));
        tools.put("echo-client", new Tool(XskEchoClient.HELP, XskEchoClient.OPTIONS, XskEchoClient.FLAGS,
            XskEchoClient::run));
        return tools;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a tool and returns its exit status; {@link #main} exits with it. */
    public static int run(String[] args) {
        Map<String, Tool> tools = tools();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(overview(tools));
            return args.length == 0 ? 2 : 0;
        }
        Tool tool = tools.get(args[0]);
        if (tool == null) {
            System.err.println("unknown tool '" + args[0] + "'\n\n" + overview(tools));
            return 2;
        }
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(tool.help());
                return 0;
            }
        }
        try {
            return tool.runner().run(new Args(args, 1, tool.options(), tool.flags()));
        } catch (Args.UsageException e) {
            System.err.println(args[0] + ": " + e.getMessage() + "\n\n" + tool.help());
            return 2;
        } catch (Exception e) {
            System.err.println(args[0] + ": " + e);
            return 1;
        }
    }

    private static String overview(Map<String, Tool> tools) {
        StringBuilder out = new StringBuilder("usage: io.consort.cli.tools.Main <tool> [options]   (<tool> --help for its options)\n\ntools:\n");
        tools.forEach((name, tool) -> out.append("  ").append(String.format("%-17s", name))
            .append(tool.help().lines().findFirst().orElse("").replaceFirst("^[a-z-]+: ", "")).append('\n'));
        return out.toString();
    }
}
