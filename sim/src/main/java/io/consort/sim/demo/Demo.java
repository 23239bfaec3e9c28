package io.consort.sim.demo;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.CounterSet;
import io.consort.sim.group.SimGroup;
import io.consort.sim.group.Sizing;
import io.consort.sim.group.Workload;
import io.consort.sim.net.DropReason;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Traffic;
import java.io.PrintStream;
import org.agrona.DirectBuffer;

/**
 * The live demo: a few members over a simulated network that loses, duplicates and reorders packets. Prints the
 * first messages as they are multicast and delivered, then a line per interval of virtual time with what was
 * delivered, retransmitted and dropped, and ends by checking that every member delivered every message exactly
 * once, in order and intact. Exits non-zero if not.
 */
public final class Demo {
    private static final long MILLI = 1_000_000;

    private final DemoOptions options;
    private final PrintStream out;

    Demo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        DemoOptions options = DemoOptions.parse(args, System.out);
        if (options == null) {
            return;
        }
        boolean ok = new Demo(options, System.out).run();
        System.exit(ok ? 0 : 1);
    }

    boolean run() {
        LinkConfig link = new LinkConfig().loss(options.loss).duplicate(options.duplicate)
            .delay(50_000, 400_000);
        SimNetworkConfig networkConfig = new SimNetworkConfig(options.members, options.seed).defaultLink(link);
        Traffic traffic = new Traffic(options.seed, 1, options.maxLength);
        DeliveryChecker checker = new DeliveryChecker(options.members, traffic);
        int[] shown = {0};
        out.printf("Consort demo: %d members, stack %s%n", options.members, Sizing.reliableStack(64));
        out.printf("network: loss %.0f%%, duplication %.0f%%, delay 50-450 us (reorders), seed %d%n",
            options.loss * 100, options.duplicate * 100, options.seed);
        out.printf("each member multicasts %d messages of 1 B to %d B and sends %d to each other member%n%n",
            options.casts, options.maxLength, options.sends);
        try (SimGroup group = new SimGroup(new SimNetwork(networkConfig), Sizing.reliableStack(64),
            Sizing.memberConfig(options.members, options.maxLength, 64, networkConfig.maxPacketLength()),
            rank -> (kind, origin, buffer, offset, length) -> {
                checker.onDelivery(rank, kind, origin, buffer, offset, length);
                if (shown[0] < options.show) {
                    shown[0]++;
                    show(rank, kind, origin, buffer, offset, length);
                }
            })) {
            Workload workload = new Workload(group, traffic, options.casts, options.sends);
            group.beforeRound(workload);
            out.printf("%8s  %-12s %-12s %-13s %-11s %-9s%n", "time", "cast pkts", "delivered", "retransmitted",
                "naks/acks", "dropped");
            long deadline = group.now() + 120_000 * MILLI;
            boolean done = false;
            while (!done && group.now() < deadline) {
                done = group.runUntil(() -> complete(group, checker, workload), options.intervalMillis * MILLI);
                report(group, workload, checker);
            }
            return verdict(group, checker, workload, done);
        }
    }

    private void show(int rank, int kind, int origin, DirectBuffer buffer, int offset, int length) {
        out.printf("  member %d delivered %s from member %d: %d bytes%n", rank,
            kind == MessageHandler.CAST ? "multicast" : "message", origin, length);
    }

    private void report(SimGroup group, Workload workload, DeliveryChecker checker) {
        long multicast = 0;
        long delivered = 0;
        long retransmitted = 0;
        long control = 0;
        long dropped = 0;
        for (int rank = 0; rank < group.size(); rank++) {
            CounterSet counters = group.member(rank).counters();
            multicast += counters.value("mnak casts sent");
            delivered += counters.value("top delivered casts") + counters.value("top delivered sends");
            retransmitted += counters.value("mnak retransmitted") + counters.value("pt2pt retransmitted");
            control += counters.value("mnak naks sent") + counters.value("pt2pt acks sent");
            dropped += counters.value("mnak dropped duplicate") + counters.value("pt2pt dropped duplicate");
        }
        for (DropReason reason : DropReason.values()) {
            dropped += group.network().dropped(reason);
        }
        out.printf("%6.1fms  %-12d %-12d %-13d %-11d %-9d%n", group.now() / (double) MILLI, multicast, delivered,
            retransmitted, control, dropped);
    }

    private static boolean complete(SimGroup group, DeliveryChecker checker, Workload workload) {
        for (int receiver = 0; receiver < group.size(); receiver++) {
            for (int origin = 0; origin < group.size(); origin++) {
                if (checker.castsDelivered(receiver, origin) < workload.casts()
                    || (origin != receiver && checker.sendsDelivered(receiver, origin) < workload.sends())) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean verdict(SimGroup group, DeliveryChecker checker, Workload workload, boolean done) {
        out.println();
        for (int rank = 0; rank < group.size(); rank++) {
            StringBuilder line = new StringBuilder("member " + rank + " delivered multicasts:");
            for (int origin = 0; origin < group.size(); origin++) {
                line.append(' ').append(checker.castsDelivered(rank, origin)).append('/').append(workload.casts());
            }
            out.println(line);
        }
        out.printf("network: %d packets lost, %d duplicated copies and stale retransmissions dropped by the stack%n",
            group.network().dropped(DropReason.LOSS), duplicates(group));
        if (checker.firstViolation() != null) {
            out.println("FAILED: " + checker.firstViolation());
            return false;
        }
        if (!done) {
            out.println("FAILED: not everything was delivered in time");
            return false;
        }
        long total = (long) group.size() * group.size() * workload.casts();
        out.printf("OK: every member delivered all %d multicasts and every point-to-point message exactly once,"
            + " in order, intact (checked as delivered), in %.1f ms of virtual time%n", total,
            group.now() / (double) MILLI);
        return true;
    }

    private static long duplicates(SimGroup group) {
        long sum = 0;
        for (int rank = 0; rank < group.size(); rank++) {
            sum += group.member(rank).counters().value("mnak dropped duplicate")
                + group.member(rank).counters().value("pt2pt dropped duplicate");
        }
        return sum;
    }
}
