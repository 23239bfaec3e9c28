package io.consort.sim.group;

import io.consort.sim.net.LinkConfig;
import org.junit.jupiter.api.Test;

/** Retransmission, NAKs, duplicates and point-to-point traffic allocate nothing per message either. */
class LossZeroAllocationTest {
    @Test
    void lossRetransmissionAndPointToPointAllocateNothing() {
        ZeroAllocationTest.assertZeroAllocation(new LinkConfig().loss(0.01).duplicate(0.01).delay(20_000, 30_000),
            1, 1000, 1, 100_000, 200_000);
    }
}
