package io.consort.bench;

import io.consort.layers.api.SendResult;
import java.lang.management.ManagementFactory;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of a group (3 members unless {@code --members N}) over the loss-free in-memory network: one thread drives every member, so the
 * figures are the protocol's own cost (copies, headers, windows, stability gossip), not a network's.
 *
 * <p>For each scenario (one sender or all senders, at each message size) a fresh group is built, warmed up, then
 * measured: messages multicast and delivered per second, MB/s of payload delivered, nanoseconds of the driving
 * thread per message per member, and the bytes that thread allocated per delivered message. After the
 * measurement the senders stop, the group drains, and the runner checks that every member delivered every
 * message exactly once in sender order.
 *
 * <p>{@code --stack vsync} (or any stack with {@code gmp}) builds the members with {@code Member.join} instead,
 * every address a seed, and drives them until they share one view of all three before the warm-up starts; the
 * membership layers stay in the stack while it is measured.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.consort.bench.GroupThroughput [--quick] [--jit-warmup-ms N] [--warmup-ms N] [--measure-ms N] [--messages N]
 *     [--sizes 64,1024,8192,65536] [--senders one|all|both] [--members N] [--tick-ns N] [--burst N] [--stack DESCRIPTION] [--verbose]
 * </pre>
 */
public final class GroupThroughput {
    static final int DEFAULT_MEMBERS = 3;
    private static final long DRAIN_ROUNDS = 50_000_000L;

    private GroupThroughput() {
    }

    /** What to run; parsed from the command line. */
    static final class Options {
        long warmupMillis = 1500;
        long measureMillis = 2500;
        long jitWarmupMillis = 2000;
        long messages = 0;
        int[] sizes = {64, 1024, 8 * 1024, 64 * 1024};
        boolean oneSender = true;
        boolean allSenders = true;
        long tickNanos = 1000;
        int burst = 64;
        String stack = "reliable-fifo";
        int members = DEFAULT_MEMBERS;
        boolean verbose;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--quick":
                        options.warmupMillis = 200;
                        options.measureMillis = 300;
                        options.jitWarmupMillis = 0;
                        break;
                    case "--members":
                        options.members = Integer.parseInt(value(args, ++i, arg));
                        break;
                    case "--warmup-ms":
                        options.warmupMillis = Long.parseLong(value(args, ++i, arg));
                        break;
                    case "--jit-warmup-ms":
                        options.jitWarmupMillis = Long.parseLong(value(args, ++i, arg));
                        break;
                    case "--measure-ms":
                        options.measureMillis = Long.parseLong(value(args, ++i, arg));
                        break;
                    case "--messages":
                        options.messages = Long.parseLong(value(args, ++i, arg));
                        break;
                    case "--sizes":
                        options.sizes = parseSizes(value(args, ++i, arg));
                        break;
                    case "--senders":
                        String senders = value(args, ++i, arg);
                        options.oneSender = senders.equals("one") || senders.equals("both");
                        options.allSenders = senders.equals("all") || senders.equals("both");
                        if (!options.oneSender && !options.allSenders) {
                            throw new IllegalArgumentException("--senders takes one, all or both, not " + senders);
                        }
                        break;
                    case "--tick-ns":
                        options.tickNanos = Long.parseLong(value(args, ++i, arg));
                        break;
                    case "--burst":
                        options.burst = Integer.parseInt(value(args, ++i, arg));
                        break;
                    case "--stack":
                        options.stack = value(args, ++i, arg);
                        break;
                    case "--verbose":
                        options.verbose = true;
                        break;
                    case "--help":
                    case "-h":
                        throw new IllegalArgumentException("usage");
                    default:
                        throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            return options;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int[] parseSizes(String text) {
            String[] parts = text.split(",");
            int[] sizes = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].trim().toLowerCase(Locale.ROOT);
                int scale = 1;
                if (part.endsWith("k")) {
                    scale = 1024;
                    part = part.substring(0, part.length() - 1);
                }
                sizes[i] = Integer.parseInt(part) * scale;
                if (sizes[i] < 8) {
                    throw new IllegalArgumentException("message sizes start at 8 bytes (the sequence number)");
                }
            }
            return sizes;
        }
    }

    /** One scenario's figures. */
    static final class Result {
        String senders;
        int size;
        double seconds;
        double cpuSeconds;
        long multicast;
        int members;
        long deliveries;
        long allocatedBytes;
        long retransmitted;
        long dropped;
        boolean delivered;
        long misordered;
        int framesLeft;
        long rounds;
        String counters;

        double multicastPerSecond() {
            return multicast / seconds;
        }

        double deliveredPerSecond() {
            return deliveries / (double) members / seconds;
        }

        double megabytesPerSecond() {
            return deliveredPerSecond() * size / 1e6;
        }

        double nanosPerMessagePerMember() {
            return seconds * 1e9 / deliveries;
        }

        /** The driving thread's CPU time per delivery: unlike the wall time, not inflated by other processes. */
        double cpuNanosPerMessagePerMember() {
            return cpuSeconds * 1e9 / deliveries;
        }

        double allocatedPerMessage() {
            return deliveries == 0 ? 0 : allocatedBytes / (deliveries / (double) members);
        }

        boolean ok() {
            return delivered && misordered == 0 && framesLeft == 0;
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().equals("usage")) {
                System.err.println(e.getMessage());
            }
            System.err.println("usage: GroupThroughput [--quick] [--jit-warmup-ms N] [--warmup-ms N] [--measure-ms N] [--messages N]"
                + " [--sizes 64,1k,8k,64k] [--senders one|all|both] [--tick-ns N] [--burst N] [--stack DESC] [--verbose]");
            System.exit(2);
            return;
        }
        List<Result> results = run(options, System.out);
        boolean ok = true;
        for (Result result : results) {
            ok &= result.ok();
        }
        System.exit(ok ? 0 : 1);
    }

    static List<Result> run(Options options, java.io.PrintStream out) {
        com.sun.management.ThreadMXBean threads = threadBean();
        out.printf("Consort group throughput: %d members, stack %s, InMemoryNetwork (loss-free), one driving thread%n",
            options.members, options.stack);
        out.printf("%s, %s %s, %d cpus, %s%n", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
            System.getProperty("java.vm.name"), System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
        out.printf("packets <= %d B, %d frames x 2 KiB per member, virtual clock +%d ns per round, burst %d,"
                + " JIT warm-up %d ms, warm-up %d ms per scenario, measure %s%n%n", BenchGroup.MAX_PACKET_LENGTH,
            BenchGroup.FRAME_COUNT, options.tickNanos, options.burst, options.jitWarmupMillis, options.warmupMillis,
            options.messages > 0 ? options.messages + " messages" : options.measureMillis + " ms");
        jitWarmup(options);
        out.printf("%-7s %7s %12s %12s %10s %14s %14s %10s %9s %8s %6s%n", "senders", "size", "multicast/s",
            "delivered/s", "MB/s", "ns/msg/member", "cpu ns/msg/mbr", "alloc B/msg", "retrans", "dropped", "check");
        List<Result> results = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            boolean all = pass == 1;
            if (all ? !options.allSenders : !options.oneSender) {
                continue;
            }
            for (int size : options.sizes) {
                Result result = runScenario(options, size, all, threads);
                results.add(result);
                out.printf(Locale.ROOT, "%-7s %7s %12.0f %12.0f %10.1f %14.1f %14.1f %10.2f %9d %8d %6s%n",
                    result.senders, sizeLabel(size), result.multicastPerSecond(), result.deliveredPerSecond(),
                    result.megabytesPerSecond(), result.nanosPerMessagePerMember(),
                    result.cpuNanosPerMessagePerMember(), result.allocatedPerMessage(),
                    result.retransmitted, result.dropped, result.ok() ? "ok" : "FAIL");
                if (options.verbose) {
                    out.printf("  %d rounds, %.2f deliveries per round%n%s", result.rounds,
                        result.deliveries / (double) result.rounds, result.counters);
                }
                if (!result.ok()) {
                    out.printf("  check failed: all delivered=%s, misordered=%d, frames left after close=%d%n",
                        result.delivered, result.misordered, result.framesLeft);
                }
            }
        }
        out.println();
        out.println("multicast/s: application messages accepted by Member.multicast; delivered/s: messages"
            + " delivered at every member (deliveries / " + options.members + ");");
        out.println("ns/msg/member: driving-thread time per delivery, i.e. the whole stack's cost per message per"
            + " member (sender side included); alloc B/msg: bytes");
        out.println("the driving thread allocated per delivered message during the measurement (ThreadMXBean);"
            + " retrans/dropped: layer and transport counters over the run;");
        out.println("cpu ns/msg/mbr: as ns/msg/member but the driving thread's CPU time, which other processes on"
            + " the machine inflate less.");
        return results;
    }

    private static Result runScenario(Options options, int size, boolean allSenders,
                                      com.sun.management.ThreadMXBean threads) {
        Result result = new Result();
        result.senders = allSenders ? "all" : "one";
        result.size = size;
        result.members = options.members;
        int senders = allSenders ? options.members : 1;
        BenchGroup group = new BenchGroup(options.members, size, options.tickNanos, options.stack);
        try {
            long warmupEnd = System.nanoTime() + options.warmupMillis * 1_000_000L;
            while (System.nanoTime() < warmupEnd) {
                offerAndRound(group, senders, size, options.burst);
            }
            long castsBefore = group.castsSent();
            long deliveriesBefore = group.deliveries();
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end;
            long rounds = 0;
            if (options.messages > 0) {
                long target = deliveriesBefore + options.messages * options.members;
                while (group.deliveries() < target) {
                    offerAndRound(group, senders, size, options.burst);
                    rounds++;
                }
                end = System.nanoTime();
            } else {
                long deadline = start + options.measureMillis * 1_000_000L;
                do {
                    offerAndRound(group, senders, size, options.burst);
                    rounds++;
                    end = System.nanoTime();
                } while (end < deadline);
            }
            result.rounds = rounds;
            long allocatedAfter = threads.getCurrentThreadAllocatedBytes();
            result.cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
            result.seconds = (end - start) / 1e9;
            result.multicast = group.castsSent() - castsBefore;
            result.deliveries = group.deliveries() - deliveriesBefore;
            result.allocatedBytes = allocatedAfter - allocatedBefore;
            result.delivered = group.drain(DRAIN_ROUNDS);
            result.misordered = group.misordered();
            result.retransmitted = group.counterSum("retransmitted");
            result.dropped = group.counterSum("dropped");
            if (options.verbose) {
                StringBuilder counters = new StringBuilder();
                for (int rank = 0; rank < options.members; rank++) {
                    counters.append(group.member(rank).counters().dump());
                }
                result.counters = counters.toString();
            }
        } finally {
            group.close();
        }
        result.framesLeft = group.framesInUse();
        return result;
    }

    /** Compiles the hot path before the first scenario, so that scenario is not measured half-interpreted. */
    private static void jitWarmup(Options options) {
        int[] sizes = {64, 8 * 1024};
        for (int senders = 1; senders <= options.members; senders += options.members - 1) {
            for (int size : sizes) {
                BenchGroup group = new BenchGroup(options.members, size, options.tickNanos, options.stack);
                long end = System.nanoTime() + options.jitWarmupMillis * 1_000_000L / 4;
                while (System.nanoTime() < end) {
                    offerAndRound(group, senders, size, options.burst);
                }
                group.drain(DRAIN_ROUNDS);
                group.close();
            }
        }
    }

    /** Each sender offers up to {@code burst} messages (fewer if back-pressured), then every member works once. */
    private static void offerAndRound(BenchGroup group, int senders, int size, int burst) {
        for (int rank = 0; rank < senders; rank++) {
            for (int i = 0; i < burst; i++) {
                if (group.multicast(rank, size) != SendResult.OK) {
                    break;
                }
            }
        }
        group.round();
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        threads.getCurrentThreadAllocatedBytes();
        return threads;
    }

    private static String sizeLabel(int size) {
        return size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
    }
}
