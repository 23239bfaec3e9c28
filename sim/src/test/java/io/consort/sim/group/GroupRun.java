package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Leaks;
import io.consort.testsupport.Traffic;

/** One simulated run of a workload over a faulty network, with the checks every property shares. */
final class GroupRun implements AutoCloseable {
    static final long SECOND = 1_000_000_000L;

    final long seed;
    final SimNetwork network;
    final DeliveryChecker checker;
    final SimGroup group;
    final Workload workload;
    final Traffic traffic;

    GroupRun(long seed, int members, LinkConfig link, int minLength, int maxLength, long casts, long sends,
             int window) {
        this.seed = seed;
        SimNetworkConfig config = new SimNetworkConfig(members, seed).defaultLink(link);
        this.network = new SimNetwork(config);
        this.traffic = new Traffic(seed, minLength, maxLength);
        this.checker = new DeliveryChecker(members, traffic);
        this.group = new SimGroup(network, Sizing.reliableStack(window),
            Sizing.memberConfig(members, maxLength, window, config.maxPacketLength()), checker::handler);
        this.workload = new Workload(group, traffic, casts, sends);
        group.beforeRound(workload);
    }

    /** True when every live member delivered everything every member sent. */
    boolean complete() {
        for (int receiver = 0; receiver < group.size(); receiver++) {
            if (network.isCrashed(receiver)) {
                continue;
            }
            for (int origin = 0; origin < group.size(); origin++) {
                if (checker.castsDelivered(receiver, origin) < workload.casts()) {
                    return false;
                }
                if (origin != receiver && checker.sendsDelivered(receiver, origin) < workload.sends()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Runs until everything is delivered, a delivery is wrong (no point going on), or the time is up. */
    boolean runToCompletion(long virtualNanos) {
        return group.runUntil(() -> checker.violations() > 0 || complete(), virtualNanos) && checker.violations() == 0;
    }

    void assertSafe() {
        assertNull(checker.firstViolation(), () -> "seed " + seed + ": " + checker.firstViolation());
    }

    void assertComplete(boolean completed) {
        assertSafe();
        if (!completed) {
            throw new AssertionError("seed " + seed + ": not everything was delivered by t=" + group.now()
                + "ns\n" + progress() + group.dump());
        }
    }

    String progress() {
        StringBuilder out = new StringBuilder();
        for (int receiver = 0; receiver < group.size(); receiver++) {
            out.append("member ").append(receiver).append(" delivered casts");
            for (int origin = 0; origin < group.size(); origin++) {
                out.append(' ').append(checker.castsDelivered(receiver, origin)).append('/')
                    .append(workload.castsOffered(origin));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Closes the members and checks that each one's frames and events are all back in their pools. */
    @Override
    public void close() {
        group.close();
        for (int rank = 0; rank < group.size(); rank++) {
            Leaks.assertNoLeaks("seed " + seed + " member " + rank + " frames", group.member(rank).frames());
            Leaks.assertNoLeaks("seed " + seed + " member " + rank + " events",
                group.member(rank).agent().stack().events());
        }
    }
}
