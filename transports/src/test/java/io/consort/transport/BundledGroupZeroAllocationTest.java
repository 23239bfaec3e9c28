package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.BundlingTransport;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.stacks.StackDescription;
import io.consort.testsupport.Allocations;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Traffic;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * With bundling on, a warm 3-member reliable group allocates nothing per message: every member multicasts
 * 64-byte messages through the whole stack, the bundling transport and the in-memory network, on one thread
 * with a stepped clock, and the thread's allocated-bytes counter stays put while a million deliveries happen
 * (a per-message allocation would show as megabytes). The bundles are checked to have carried the traffic.
 */
class BundledGroupZeroAllocationTest {
    private static final int MEMBERS = 3;
    private static final long WARM_UP = 200_000;
    private static final long MEASURED = 400_000;
    private static final long ONE_OFF_BYTES = 1024;
    private static final int ROUNDS = 4;

    private final Traffic traffic = new Traffic(5, 64, 64);
    private final DeliveryChecker checker = new DeliveryChecker(MEMBERS, traffic);
    private long now;
    private final NanoClock clock = () -> now;

    @Test
    void bundledMulticastsAllocateNothing() {
        InMemoryNetwork network = new InMemoryNetwork(MEMBERS, 4 << 20, 1472);
        Member[] members = new Member[MEMBERS];
        for (int rank = 0; rank < MEMBERS; rank++) {
            int me = rank;
            MemberConfig config = MemberConfig.sizedFor(MEMBERS, 64);
            config.frames().leakDetection(LeakDetector.Level.OFF); // strict mode records a stack per acquire
            members[rank] = Member.create(new View(3, rank, MEMBERS), config,
                StackDescription.parse("reliable-fifo").layers(),
                BundlingTransport.wrap((frames, counters) -> network.transport(me, frames, counters)),
                checker.handler(rank), clock);
        }
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        long[] sent = new long[MEMBERS];
        run(members, scratch, sent, WARM_UP);
        long bundledBefore = members[0].counters().value("bundling packets bundled");
        long[] target = {WARM_UP};
        long allocated = Allocations.fewestBytes(ROUNDS, () -> {
            target[0] += MEASURED / ROUNDS;
            run(members, scratch, sent, target[0]);
        });

        assertNull(checker.firstViolation());
        for (int receiver = 0; receiver < MEMBERS; receiver++) {
            for (int origin = 0; origin < MEMBERS; origin++) {
                assertEquals(WARM_UP + MEASURED, checker.castsDelivered(receiver, origin));
            }
        }
        long bundled = members[0].counters().value("bundling packets bundled") - bundledBefore;
        assertTrue(bundled > MEASURED / 2, "bundling carried the traffic: " + members[0].counters().dump());
        assertTrue(allocated < ONE_OFF_BYTES, allocated + " bytes allocated in the fewest of " + ROUNDS
            + " rounds of " + MEASURED / ROUNDS * MEMBERS + " multicasts delivered to " + MEMBERS + " members");
        for (Member member : members) {
            member.close();
            assertEquals(0, member.frames().inUse(), member.frames().leakReport());
        }
    }

    /** Every member offers its next multicast each round, then every member works once; until all delivered. */
    private void run(Member[] members, UnsafeBuffer scratch, long[] sent, long casts) {
        while (!checker.everyoneDeliveredCasts(casts)) {
            for (int rank = 0; rank < MEMBERS; rank++) {
                if (sent[rank] < casts) {
                    int length = traffic.length(rank, Traffic.CAST, sent[rank]);
                    traffic.fill(scratch, 0, rank, Traffic.CAST, sent[rank], length);
                    if (members[rank].multicast(scratch, 0, length) == SendResult.OK) {
                        sent[rank]++;
                    }
                }
            }
            for (Member member : members) {
                member.agent().doWork();
            }
            now += 1_000;
        }
    }
}
