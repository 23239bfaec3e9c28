package io.consort.sim.demo;

import io.consort.sim.membership.Recorder;
import java.io.PrintStream;

/**
 * The demo's command line, with defaults that make a short, lively run. A bad argument is an
 * {@link IllegalArgumentException} whose message is one line for the user.
 */
final class DemoOptions {
    static final int MAX_MEMBERS = 8;
    /** Larger messages make the run slow (every cast is checked byte by byte) and the member pools large. */
    static final int MAX_LENGTH_BOUND = 64 * 1024;
    /** Longer than the whole scenario: a larger interval would print nothing. */
    static final long MAX_INTERVAL_MILLIS = 60_000;
    /** Beyond this, processes miss so many heartbeats that suspicion keeps splitting the group. */
    static final double MAX_LOSS = 0.3;

    int members = 4;
    double loss = 0.02;
    double duplicate = 0.01;
    long seed = 7;
    int maxLength = 2000;
    long castEveryMillis = 5;
    long intervalMillis = 250;

    static DemoOptions parse(String[] args, PrintStream out) {
        DemoOptions options = new DemoOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                usage(out);
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value; see --help");
            }
            String value = args[++i];
            switch (arg) {
                case "--members": options.members = (int) number(arg, value, 2, MAX_MEMBERS); break;
                case "--loss": options.loss = probability(arg, value, MAX_LOSS); break;
                case "--duplicate": options.duplicate = probability(arg, value, 1); break;
                case "--seed": options.seed = number(arg, value, Long.MIN_VALUE, Long.MAX_VALUE); break;
                case "--max-length":
                    options.maxLength = (int) number(arg, value, Recorder.HEADER, MAX_LENGTH_BOUND);
                    break;
                case "--cast-every-ms": options.castEveryMillis = number(arg, value, 1, 1000); break;
                case "--interval-ms": options.intervalMillis = number(arg, value, 1, MAX_INTERVAL_MILLIS); break;
                default: throw new IllegalArgumentException("unknown option " + arg + "; see --help");
            }
        }
        return options;
    }

    private static void usage(PrintStream out) {
        out.println("usage: bin/demo [--members N] [--loss P] [--duplicate P] [--seed S] [--max-length BYTES]"
            + " [--cast-every-ms MS] [--interval-ms MS]");
        out.println("  Runs N processes (2 to " + MAX_MEMBERS + ", default 4) of the vsync stack over a simulated"
            + " network that loses (P at most " + MAX_LOSS + ")");
        out.println("  and duplicates packets and reorders them. They join one by one, each multicasting a message"
            + " of up to BYTES");
        out.println("  (" + Recorder.HEADER + " to " + MAX_LENGTH_BOUND + ") every MS; then one crashes and restarts,"
            + " the network splits in two and heals,");
        out.println("  and every process's history is checked for virtual synchrony. A line is printed per"
            + " --interval-ms of virtual");
        out.println("  time. The same seed gives the same run.");
    }

    private static long number(String option, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", not " + value);
        }
        return parsed;
    }

    private static double probability(String option, String value, double max) {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a probability, not '" + value + "'");
        }
        // Written so that NaN fails too.
        if (!(parsed >= 0 && parsed <= max)) {
            throw new IllegalArgumentException(option + " must be between 0 and " + max + ", not " + value);
        }
        return parsed;
    }
}
