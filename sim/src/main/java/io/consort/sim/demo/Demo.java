package io.consort.sim.demo;

import io.consort.layers.api.Member;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.sim.group.Sizing;
import io.consort.sim.membership.DynamicGroup;
import io.consort.sim.membership.History;
import io.consort.sim.membership.Recorder;
import io.consort.sim.membership.VsyncChecker;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The live demo: group membership over the simulated network, which loses, duplicates and reorders packets.
 * Processes join one by one while every running process multicasts (and sends a few point-to-point messages);
 * then one crashes and the rest install a view without it; it restarts as a new incarnation (2#2) and rejoins;
 * the network splits in two and each side installs a view of its own; it heals and the sides merge. Each view is
 * printed when first installed, and a line per interval of virtual time shows who holds which view, casts
 * delivered, retransmissions and drops. Then traffic stops, the group goes quiet, and {@link VsyncChecker} judges
 * every process's history; the exit status is 0 only if it found nothing. The same seed gives the same run.
 */
public final class Demo {
    private static final long MS = 1_000_000;
    /** Every phase should take well under a second of virtual time; a phase that takes this long has failed. */
    private static final long PHASE_LIMIT = 10_000 * MS;
    private static final long JOIN_GAP = 300 * MS;
    private static final long SETTLE = 600 * MS;
    private static final long QUIET = 2_000 * MS;
    /**
     * The vsync stack with small windows and quick reliability timers, as the membership tests run it, under the
     * FIFO checker.
     */
    static final String STACK = "chk_fifo:gmp:frag:flow(casts=32,sends=32):stable(gossip=2ms,every=8)"
        + ":pt2pt(window=32,tick=2ms):mnak(window=32,nak=2ms):slander:suspect";

    private final DemoOptions options;
    private final PrintStream out;

    Demo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the demo with these options and returns its exit status: 0 passed, 1 failed, 2 bad options. */
    public static int run(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            return 2;
        }
        if (options == null) {
            return 0;
        }
        return new Demo(options, System.out).run() ? 0 : 1;
    }

    boolean run() {
        int n = options.members;
        LinkConfig link = new LinkConfig().delay(50_000, 100_000).loss(options.loss).duplicate(options.duplicate);
        SimNetworkConfig network = new SimNetworkConfig(n, options.seed).defaultLink(link);
        MemberConfig config = Sizing.memberConfig(n, options.maxLength, 32, network.maxPacketLength()).maxGroupSize(n);
        out.printf("Consort membership demo: %d processes, seed %d%nstack %s%n", n, options.seed, STACK);
        out.printf("network: loss %.1f%%, duplication %.1f%%, delay 50-150 us (reorders)%n", options.loss * 100,
            options.duplicate * 100);
        out.printf("each running process multicasts a self-checking message of %d-%d B every %d ms"
            + " and now and then sends one point-to-point%n%n", Recorder.HEADER, options.maxLength, options.castEveryMillis);
        try (DynamicGroup group = new DynamicGroup(new SimNetwork(network), STACK, config, options.seed,
            options.maxLength)) {
            DemoProgress progress = new DemoProgress(group, out, options.intervalMillis * MS);
            progress.header();
            group.traffic(options.castEveryMillis * MS, Long.MAX_VALUE);
            String failed = scenario(group, progress);
            if (failed != null) {
                out.println("FAILED: " + failed);
                out.print(group.dump());
                return false;
            }
            return verdict(group);
        }
    }

    /** Drives the group through every phase; returns the phase that did not complete, or null. */
    private String scenario(DynamicGroup group, DemoProgress progress) {
        int n = options.members;
        for (int address = 0; address < n; address++) {
            progress.event("start process " + address);
            group.start(address);
            if (!progress.await(convergedWith(group, address + 1), PHASE_LIMIT)) {
                return "the first " + (address + 1) + " processes did not form one view";
            }
            // A join takes milliseconds; wait so that the interval lines show the group growing.
            progress.runFor(JOIN_GAP);
        }
        int victim = n / 2;
        progress.crash(victim);
        if (!progress.await(convergedWith(group, n - 1), PHASE_LIMIT)) {
            return "the others did not install a view without " + victim;
        }
        progress.runFor(SETTLE);
        progress.event("restart process " + victim + " as a new incarnation");
        group.start(victim);
        if (!progress.await(convergedWith(group, n), PHASE_LIMIT)) {
            return "the restarted process did not rejoin";
        }
        progress.runFor(SETTLE);
        int[] left = range(0, n / 2);
        int[] right = range(n / 2, n);
        progress.event("partition the network: " + Arrays.toString(left) + " | " + Arrays.toString(right));
        group.network().partition(left, right);
        if (!progress.await(() -> split(group, n / 2), PHASE_LIMIT)) {
            return "the two sides did not each install a view of their own";
        }
        progress.runFor(SETTLE);
        progress.event("heal the network");
        group.network().heal();
        if (!progress.await(convergedWith(group, n), PHASE_LIMIT)) {
            return "the two sides did not merge";
        }
        progress.runFor(SETTLE);
        progress.event("stop traffic; let the group go quiet");
        group.traffic(options.castEveryMillis * MS, group.now());
        progress.runFor(QUIET);
        return group.converged() ? null : "the group did not stay in one view once quiet";
    }

    private static BooleanSupplier convergedWith(DynamicGroup group, int processes) {
        return () -> group.live().size() == processes && group.converged();
    }

    /** True when each side of the partition at {@code boundary} holds one view of exactly that side. */
    private static boolean split(DynamicGroup group, int boundary) {
        int size = group.network().size();
        for (int address = 0; address < size; address++) {
            Member process = group.process(address);
            if (process == null || process.agent().isBlocked()) {
                return false;
            }
            View view = process.view();
            boolean left = address < boundary;
            if (view.size() != (left ? boundary : size - boundary)) {
                return false;
            }
            for (int rank = 0; rank < view.size(); rank++) {
                if ((view.member(rank).address() < boundary) != left) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int[] range(int from, int to) {
        int[] addresses = new int[to - from];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = from + i;
        }
        return addresses;
    }

    private boolean verdict(DynamicGroup group) {
        out.println();
        for (History history : group.checker().histories()) {
            long delivered = 0;
            for (History.Installed installed : history.views) {
                delivered += installed.casts.size();
            }
            out.printf("  %-5s %-8s installed %2d views, offered %5d casts, delivered %6d%n", history.process,
                history.crashed() ? "crashed" : history.left() ? "left" : "live", history.views.size(),
                history.castsOffered(), delivered);
        }
        VsyncChecker checker = group.checker();
        String violation = checker.check();
        String diverged = checker.checkConverged(group.live());
        out.println("views agree, processes that move between the same views delivered the same casts, each origin's"
            + " messages intact, once, in order: " + (violation == null ? "OK" : "FAILED: " + violation));
        out.println("the live processes end in one view, having delivered the same casts: "
            + (diverged == null ? "OK" : "FAILED: " + diverged));
        out.printf("%.3f s of virtual time%n", group.now() / 1e9);
        return violation == null && diverged == null;
    }
}
