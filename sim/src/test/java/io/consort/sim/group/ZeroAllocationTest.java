package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.LeakDetector;
import io.consort.layers.runtime.MemberConfig;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.testsupport.Allocations;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Traffic;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Once warm, a 3-member reliable group allocates nothing per message: a million multicasts go from the
 * application rings through every layer, the simulated network and back up to delivery at all three members,
 * checked, while the driving thread's allocated-bytes counter is watched. Any per-message allocation would show
 * as at least 16 MB; the JVM itself may allocate a few hundred bytes once (lazy linkage of a call site first
 * taken late), which is tolerated up to {@value #ONE_OFF_BYTES} bytes and reported. Leak detection is off here:
 * strict mode records a stack trace per acquisition, which is exactly an allocation. Each class runs in a JVM of
 * its own (see the sim pom).
 */
class ZeroAllocationTest {
    static final long ONE_OFF_BYTES = 1024;
    /** Measured rounds; the least allocating one counts (see {@link Allocations#fewestBytes}). */
    static final int ROUNDS = 4;
    private static final int MEMBERS = 3;
    private static final long WARM_UP = 300_000;
    private static final long MEASURED = 1_000_000;

    @Test
    void aMillionMulticastsAllocateNothing() {
        assertZeroAllocation(new LinkConfig().delay(20_000, 0), 64, 64, 0, WARM_UP, MEASURED);
    }

    static void assertZeroAllocation(LinkConfig link, int minLength, int maxLength, int sendsPerCast,
                                             long warmUp, long measured) {
        long casts = warmUp + measured;
        SimNetworkConfig networkConfig = new SimNetworkConfig(MEMBERS, 42).defaultLink(link);
        MemberConfig config = Sizing.memberConfig(MEMBERS, maxLength, 256, networkConfig.maxPacketLength());
        config.frames().leakDetection(LeakDetector.Level.OFF);
        Traffic traffic = new Traffic(42, minLength, maxLength);
        DeliveryChecker checker = new DeliveryChecker(MEMBERS, traffic);
        try (SimGroup group = new SimGroup(new SimNetwork(networkConfig), Sizing.reliableStack(256), config,
            checker::handler)) {
            Workload workload = new Workload(group, traffic, casts, casts * sendsPerCast / 4);
            group.beforeRound(workload);
            BooleanSupplier warm = () -> delivered(checker) >= warmUp * MEMBERS * MEMBERS;
            long[] target = {warmUp};
            BooleanSupplier done = () -> delivered(checker) >= target[0] * MEMBERS * MEMBERS;
            assertTrue(group.runUntil(warm, 3600 * GroupRun.SECOND), "warm-up did not finish");

            long allocated = Allocations.fewestBytes(ROUNDS, () -> {
                target[0] += measured / ROUNDS;
                assertTrue(group.runUntil(done, 3600 * GroupRun.SECOND), "a measured round was not all delivered");
            });

            assertEquals(casts * MEMBERS * MEMBERS, delivered(checker), "every measured round delivered");
            assertNull(checker.firstViolation());
            assertTrue(allocated < ONE_OFF_BYTES, allocated + " bytes allocated in the fewest of " + ROUNDS
                + " rounds of " + measured / ROUNDS + " multicasts");
        }
    }

    private static long delivered(DeliveryChecker checker) {
        long sum = 0;
        for (int receiver = 0; receiver < MEMBERS; receiver++) {
            for (int origin = 0; origin < MEMBERS; origin++) {
                sum += checker.castsDelivered(receiver, origin);
            }
        }
        return sum;
    }
}
