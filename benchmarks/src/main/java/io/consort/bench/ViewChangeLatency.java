package io.consort.bench;

import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.sim.group.Sizing;
import io.consort.sim.membership.DynamicGroup;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.stacks.LayerCatalog;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long the {@code vsync} stack, with its default parameters, takes to change views, in virtual time over the
 * simulator: from a crash until every survivor has installed a view without the crashed process; from a start
 * until the new process is in one view with all the others; from the healing of a partition until one view holds
 * both sides. Each measurement ends when every live process has the same view of exactly the live processes and
 * none is blocked ({@link DynamicGroup#converged()}).
 *
 * <p>Each run is a fresh group on a loss-free network (50 µs + up to 20 µs per hop) in which every process
 * multicasts a small message every few milliseconds; the fault comes at a random moment (seeded) after the group
 * has formed, so the phase of the heartbeat sweeps and merge probes varies. After each run the histories go
 * through the virtual-synchrony checker. Prints a Markdown table.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.consort.bench.ViewChangeLatency [--sizes 3,5] [--seeds N] [--first-seed N] [--cast-every-ms N]
 * </pre>
 */
public final class ViewChangeLatency {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final String STACK = "vsync";
    static final int MAX_LENGTH = 256;
    static final long BASE_DELAY = 50_000;
    static final long JITTER = 20_000;
    static final long CONVERGE_LIMIT = 60 * SECOND;

    private ViewChangeLatency() {
    }

    enum Scenario {
        CRASH("crash → view without it at every survivor"),
        JOIN("start → one view with the newcomer"),
        HEAL("partition healed → one merged view");

        final String label;

        Scenario(String label) {
            this.label = label;
        }
    }

    public static void main(String[] args) {
        int[] sizes = {3, 5};
        int seeds = 11;
        long firstSeed = 1;
        long castEvery = 5 * MS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes":
                    sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                case "--seeds":
                    seeds = Integer.parseInt(args[++i]);
                    break;
                case "--first-seed":
                    firstSeed = Long.parseLong(args[++i]);
                    break;
                case "--cast-every-ms":
                    castEvery = Long.parseLong(args[++i]) * MS;
                    break;
                default:
                    System.err.println("usage: ViewChangeLatency [--sizes 3,5] [--seeds N] [--first-seed N]"
                        + " [--cast-every-ms N (0: no traffic)]");
                    System.exit(2);
                    return;
            }
        }
        long sweep = LayerCatalog.DEFAULT_SWEEP_NANOS;
        long suspicion = (LayerCatalog.DEFAULT_MISSES + 1) * sweep;
        long merge = LayerCatalog.DEFAULT_MERGE_PERIOD_NANOS;
        long roundTrip = 2 * (BASE_DELAY + JITTER);
        System.out.printf("View-change latency, stack %s (%s) with default parameters, virtual time.%n", STACK,
            io.consort.stacks.StackDescription.NAMED.get(STACK));
        System.out.printf(Locale.ROOT, "Suspicion timeout (misses + 1) x sweep = %d ms; merge period %d ms; flush"
                + " timeout %d ms; round trip at most %.2f ms; traffic: one multicast per process every %s.%n",
            suspicion / MS, merge / MS, LayerCatalog.DEFAULT_FLUSH_TIMEOUT_NANOS / MS, roundTrip / 1e6,
            castEvery > 0 ? castEvery / MS + " ms" : "never");
        System.out.printf("%s, %d seeds from %d%n%n", System.getProperty("java.version"), seeds, firstSeed);
        System.out.println("| scenario | members | runs | min ms | median ms | max ms | of which flush → view ms"
            + " (min / median / max) | aim ms | within aim |");
        System.out.println("|----------|--------:|-----:|-------:|----------:|-------:|------------------------:"
            + "|-------:|------------|");
        boolean allChecked = true;
        for (Scenario scenario : Scenario.values()) {
            for (int size : sizes) {
                double[] latencies = new double[seeds];
                double[] flushes = new double[seeds];
                for (int i = 0; i < seeds; i++) {
                    Run run = run(scenario, size, firstSeed + i, castEvery);
                    latencies[i] = run.latencyNanos / 1e6;
                    flushes[i] = run.flushNanos / 1e6;
                    if (run.violation != null) {
                        allChecked = false;
                        System.err.println(scenario + " n=" + size + " seed=" + (firstSeed + i) + ": "
                            + run.violation);
                    }
                }
                Arrays.sort(latencies);
                Arrays.sort(flushes);
                // A join is the merge of a one-member partition: held to the merge aim.
                double aim = scenario == Scenario.CRASH ? (suspicion + 3 * roundTrip) / 1e6
                    : (2 * merge + 3 * roundTrip) / 1e6;
                System.out.printf(Locale.ROOT,
                    "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f / %.1f / %.1f | %.1f | %s |%n",
                    scenario.label, size, seeds, latencies[0], median(latencies), latencies[seeds - 1], flushes[0],
                    median(flushes), flushes[seeds - 1], aim,
                    latencies[seeds - 1] <= aim ? "yes" : latencies[0] > aim ? "no"
                        : "no (" + countAbove(latencies, aim) + " of " + seeds + " above)");
            }
        }
        System.out.println();
        System.out.println(allChecked ? "Every run's histories passed the virtual-synchrony checks."
            : "SOME RUNS FAILED THE VIRTUAL-SYNCHRONY CHECKS (see stderr).");
        System.exit(allChecked ? 0 : 1);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int countAbove(double[] values, double limit) {
        int count = 0;
        for (double value : values) {
            count += value > limit ? 1 : 0;
        }
        return count;
    }

    /** One measured view change. */
    static final class Run {
        long latencyNanos;
        /** From the first flush started (by any process) to the end: the protocol's part, detection aside. */
        long flushNanos;
        String violation;
    }

    static DynamicGroup group(long seed, int addresses) {
        SimNetworkConfig config = new SimNetworkConfig(addresses, seed)
            .defaultLink(new LinkConfig().delay(BASE_DELAY, JITTER));
        MemberConfig member = Sizing.memberConfig(addresses, MAX_LENGTH, LayerCatalog.DEFAULT_WINDOW,
            config.maxPacketLength()).maxGroupSize(addresses);
        return new DynamicGroup(new SimNetwork(config), STACK, member, seed, MAX_LENGTH);
    }

    static Run run(Scenario scenario, int size, long seed, long castEvery) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + scenario.ordinal());
        Run run = new Run();
        try (DynamicGroup group = group(seed, size)) {
            int founders = scenario == Scenario.JOIN ? size - 1 : size;
            if (scenario == Scenario.JOIN) {
                // No process at the newcomer's address yet: what is sent there (probes) is lost, as to a UDP port
                // nobody listens on, rather than queued for the newcomer to find on its first poll.
                group.network().crash(size - 1);
            }
            for (int address = 0; address < founders; address++) {
                group.start(address);
            }
            if (castEvery > 0) {
                group.traffic(castEvery, Long.MAX_VALUE);
            }
            require(group.runUntil(group::converged, CONVERGE_LIMIT), "the group did not form", group);
            require(group.live().size() == founders, "the group formed without everyone", group);
            // A random moment, so the fault meets the sweeps and probes at any phase.
            group.runFor(100 * MS + random.nextLong(LayerCatalog.DEFAULT_MERGE_PERIOD_NANOS));
            long start;
            switch (scenario) {
                case CRASH:
                    start = group.now();
                    group.crash(random.nextInt(size));
                    break;
                case JOIN:
                    start = group.now();
                    group.start(size - 1);
                    break;
                default:
                    int[] left = new int[size / 2];
                    int[] right = new int[size - size / 2];
                    for (int address = 0; address < size; address++) {
                        if (address < left.length) {
                            left[address] = address;
                        } else {
                            right[address - left.length] = address;
                        }
                    }
                    group.network().partition(left, right);
                    require(group.runUntil(() -> sidesConverged(group, left, right), CONVERGE_LIMIT),
                        "the partition's sides did not each form a view", group);
                    group.runFor(random.nextLong(LayerCatalog.DEFAULT_MERGE_PERIOD_NANOS));
                    start = group.now();
                    group.network().heal();
                    break;
            }
            long flushesBefore = flushesStarted(group, size);
            long[] firstFlush = {-1};
            require(group.runUntil(() -> {
                if (firstFlush[0] < 0 && flushesStarted(group, size) > flushesBefore) {
                    firstFlush[0] = group.now();
                }
                return group.converged();
            }, CONVERGE_LIMIT), "no view change after " + scenario, group);
            run.flushNanos = group.now() - (firstFlush[0] < 0 ? start : firstFlush[0]);
            int expected = scenario == Scenario.CRASH ? size - 1 : size;
            require(group.live().size() == expected, "converged without everyone", group);
            run.latencyNanos = group.now() - start;
            group.traffic(0, 0);
            group.runFor(SECOND);
            run.violation = group.checker().check();
        }
        return run;
    }

    /** Flushes started so far, summed over the running processes. */
    private static long flushesStarted(DynamicGroup group, int size) {
        long sum = 0;
        for (int address = 0; address < size; address++) {
            if (group.process(address) != null) {
                sum += Math.max(0, group.process(address).counters().value("gmp flushes started"));
            }
        }
        return sum;
    }

    private static boolean sidesConverged(DynamicGroup group, int[] left, int[] right) {
        return sideConverged(group, left) && sideConverged(group, right);
    }

    /** True when the processes at {@code side} share one view of exactly themselves, unblocked. */
    private static boolean sideConverged(DynamicGroup group, int[] side) {
        View first = group.process(side[0]).view();
        if (first.size() != side.length) {
            return false;
        }
        for (int address : side) {
            View view = group.process(address).view();
            if (!view.id().equals(first.id()) || group.process(address).agent().isBlocked()) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean condition, String what, DynamicGroup group) {
        if (!condition) {
            throw new IllegalStateException(what + "\n" + group.dump());
        }
    }
}
