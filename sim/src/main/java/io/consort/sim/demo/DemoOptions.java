package io.consort.sim.demo;

import java.io.PrintStream;

/** The demo's command line, with defaults that make a short, lively run. */
final class DemoOptions {
    int members = 4;
    double loss = 0.1;
    double duplicate = 0.02;
    long seed = 7;
    long casts = 300;
    long sends = 50;
    int maxLength = 20_000;
    int show = 8;
    long intervalMillis = 5;

    static DemoOptions parse(String[] args, PrintStream out) {
        DemoOptions options = new DemoOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println("usage: bin/demo [--members N] [--loss P] [--duplicate P] [--seed S] [--casts N]"
                    + " [--sends N] [--max-length BYTES] [--show N] [--interval-ms MS]");
                out.println("  Runs N members (1-8, default 4) of the reliable stack over a simulated network that");
                out.println("  loses and duplicates packets with the given probabilities and reorders them; the same");
                out.println("  seed gives the same run.");
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value; see --help");
            }
            String value = args[++i];
            switch (arg) {
                case "--members": options.members = Integer.parseInt(value); break;
                case "--loss": options.loss = Double.parseDouble(value); break;
                case "--duplicate": options.duplicate = Double.parseDouble(value); break;
                case "--seed": options.seed = Long.parseLong(value); break;
                case "--casts": options.casts = Long.parseLong(value); break;
                case "--sends": options.sends = Long.parseLong(value); break;
                case "--max-length": options.maxLength = Integer.parseInt(value); break;
                case "--show": options.show = Integer.parseInt(value); break;
                case "--interval-ms": options.intervalMillis = Long.parseLong(value); break;
                default: throw new IllegalArgumentException("unknown option " + arg + "; see --help");
            }
        }
        if (options.members < 1 || options.members > 8) {
            throw new IllegalArgumentException("--members must be between 1 and 8");
        }
        return options;
    }
}
