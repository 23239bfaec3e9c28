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
        io.consort.cli.perf.PerfCommand.class, CommandLine.HelpCommand.class})
public final class Consort {
    /** Held so that its level stays set: java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger LIBRARY_LOG = java.util.logging.Logger.getLogger("io.consort");

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %5$s%6$s%n");
        }
        // The command prints views itself; the library's log adds suspicions, exclusions and errors (WARNING and
        // up), or everything with CONSORT_LOG=INFO.
        String level = System.getenv("CONSORT_LOG");
        try {
            LIBRARY_LOG.setLevel(java.util.logging.Level.parse(level == null ? "WARNING" : level.toUpperCase()));
        } catch (IllegalArgumentException e) {
            System.err.println("consort: CONSORT_LOG is a level such as INFO or WARNING, was '" + level + "'");
            System.exit(2);
        }
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
