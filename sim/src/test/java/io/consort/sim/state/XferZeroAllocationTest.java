package io.consort.sim.state;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.LeakDetector;
import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.StateHandler;
import io.consort.layers.api.StateWriter;
import io.consort.layers.runtime.MemberConfig;
import io.consort.sim.group.Sizing;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.stacks.StackDescription;
import io.consort.testsupport.Allocations;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Once every member has settled its state, xfer on the total stack costs a branch per message and allocates
 * nothing: three members whose handlers are state handlers multicast 300 000 times after a warm-up, and the
 * driving thread's allocated bytes are read around it (in a JVM of its own, like the other allocation tests).
 */
class XferZeroAllocationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int MEMBERS = 3;
    private static final long WARM_UP = 100_000;
    private static final long MEASURED = 300_000;
    private static final int ROUNDS = 3;

    @Test
    void settledMembersAllocateNothingPerMessage() {
        SimNetworkConfig network = new SimNetworkConfig(MEMBERS, 42).defaultLink(new LinkConfig().delay(20_000, 0));
        MemberConfig config = Sizing.memberConfig(MEMBERS, 64, 256, network.maxPacketLength()).maxGroupSize(MEMBERS);
        config.frames().leakDetection(LeakDetector.Level.OFF);
        String stack = "xfer:" + StackDescription.NAMED.get("total");
        try (StatefulGroup<Counting> group = new StatefulGroup<>(new SimNetwork(network), stack, config,
            (self, g) -> new Counting())) {
            for (int address = 0; address < MEMBERS; address++) {
                group.start(address);
            }
            assertTrue(group.runUntil(() -> group.settled() && group.running().size() == MEMBERS, 30 * SECOND),
                group::dump);
            UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
            run(group, message, WARM_UP);
            long[] target = {WARM_UP};
            long allocated = Allocations.fewestBytes(ROUNDS, () -> {
                target[0] += MEASURED / ROUNDS;
                run(group, message, target[0]);
            });
            System.out.printf("xfer:total: %d multicasts measured, %d bytes allocated%n", MEASURED, allocated);
            assertTrue(group.settled(), group::dump);
            assertTrue(allocated < 1024, allocated + " bytes allocated in the fewest of " + ROUNDS + " rounds of "
                + MEASURED / ROUNDS + " multicasts through xfer");
        }
    }

    /** Member 0 multicasts until every member has delivered {@code casts}; no lambda, no boxing. */
    private static void run(StatefulGroup<Counting> group, UnsafeBuffer message, long casts) {
        Member sender = group.process(0);
        long limit = group.now() + 3600 * SECOND;
        while (group.application(0).casts < casts || group.application(1).casts < casts
            || group.application(2).casts < casts) {
            if (group.application(0).offered < casts) {
                message.putLong(0, group.application(0).offered);
                if (sender.multicast(message, 0, 64) == io.consort.layers.api.SendResult.OK) {
                    group.application(0).offered++;
                }
            }
            if (!group.step(limit)) {
                throw new IllegalStateException("the casts were not delivered\n" + group.dump());
            }
        }
    }

    /** Counts casts; its state is empty. */
    static final class Counting implements MessageHandler, StateHandler {
        long casts;
        long offered;

        @Override
        public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
            casts += kind == CAST ? 1 : 0;
        }

        @Override
        public StateWriter snapshot() {
            return new StateWriter() {
                @Override
                public int write(MutableDirectBuffer buffer, int offset, int capacity) {
                    return 0;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void beginInstall() {
        }

        @Override
        public void installChunk(DirectBuffer buffer, int offset, int length) {
        }

        @Override
        public void endInstall() {
        }

        @Override
        public void abortInstall() {
        }
    }
}
