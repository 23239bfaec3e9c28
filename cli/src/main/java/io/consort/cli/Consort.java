package io.consort.cli;

import io.consort.cli.demo.DemoCommand;
import io.consort.cli.lab.LabCommand;
import io.consort.cli.member.MemberCommand;
import io.consort.cli.status.StatCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code consort} command: one entry point for running members, watching them, building a lab of network
 * namespaces, and the AF_XDP tools. Exit status 0 on success, 1 on failure, 2 on a wrong command line; errors are
 * one line that says what to change, never a stack trace (set {@code CONSORT_DEBUG=1} for one).
 */
@Command(name = "consort", mixinStandardHelpOptions = true, version = "consort 0.1.0",
    description = "Reliable group communication in the style of Ensemble, over AF_XDP, kernel UDP or a simulator.",
    subcommands = {MemberCommand.class, StatCommand.class, LabCommand.class, CheckCommand.class, DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class Consort {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status. */
    public static int run(String... args) {
        try {
            return commandLine(args).execute(args);
        } catch (IllegalArgumentException e) {
            System.err.println("consort: " + e.getMessage());
            return 2;
        }
    }

    public static CommandLine commandLine(String... args) {
        CommandLine line = new CommandLine(new Consort());
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--config")) {
                java.io.File file = new java.io.File(args[i + 1]);
                if (!file.isFile()) {
                    throw new IllegalArgumentException("--config " + file + " is not a readable file");
                }
                line.getSubcommands().get("member").setDefaultValueProvider(
                    new CommandLine.PropertiesDefaultProvider(file));
            }
        }
        ToolCommands.register(line);
        line.setExecutionExceptionHandler((error, failed, parsed) -> {
            String name = failed.getCommandSpec().qualifiedName();
            failed.getErr().println(name + ": " + message(error));
            if (System.getenv("CONSORT_DEBUG") != null) {
                error.printStackTrace(failed.getErr());
            }
            return error instanceof IllegalArgumentException ? 2 : 1;
        });
        return line;
    }

    private static String message(Throwable error) {
        String text = error.getMessage();
        Throwable cause = error.getCause();
        if (cause != null && cause.getMessage() != null && (text == null || !text.contains(cause.getMessage()))) {
            text = (text == null ? "" : text + ": ") + cause.getMessage();
        }
        return text != null ? text : error.toString();
    }
}
