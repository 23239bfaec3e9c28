package io.consort.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.transport.Transport;
import org.junit.jupiter.api.Test;

/** Partitions cut traffic between groups until healed; a crashed member neither sends nor receives. */
class PartitionAndCrashTest {
    @Test
    void partitionBlocksAcrossGroupsOnlyAndHealRestores() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(4, 1))) {
            net.network.partitionAt(1_000_000, new int[] {0, 1}, new int[] {2, 3});
            net.network.healAt(2_000_000);

            net.network.advanceTo(1_000_000);
            assertFalse(net.network.canReach(0, 2));
            assertTrue(net.network.canReach(0, 1));
            net.send(0, Transport.ALL, NetFixture.payload(1, 10));
            net.runUntilIdle();
            assertEquals(1, net.receivedBy(1).size());
            assertEquals(0, net.receivedBy(2).size());
            assertEquals(0, net.receivedBy(3).size());
            assertEquals(2, net.counter(0, "dropped partition"));

            net.network.advanceTo(2_000_000);
            assertTrue(net.network.canReach(0, 2));
            net.send(0, Transport.ALL, NetFixture.payload(2, 10));
            net.runUntilIdle();
            assertEquals(1, net.receivedBy(2).size());
            assertEquals(1, net.receivedBy(3).size());
        }
    }

    @Test
    void packetOnTheWireWhenThePartitionStartsIsLostOnArrival() throws Exception {
        LinkConfig slow = new LinkConfig().delay(1_000_000, 0);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 2).defaultLink(slow))) {
            net.send(0, 1, NetFixture.payload(1, 10));
            net.network.partitionAt(500_000, new int[] {0}, new int[] {1});
            net.runUntilIdle();
            assertEquals(0, net.receivedBy(1).size());
            assertEquals(1, net.counter(1, "dropped partition"));
        }
    }

    @Test
    void membersLeftOutOfEveryGroupAreAlone() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(3, 3))) {
            net.network.partition(new int[] {0, 1});
            assertTrue(net.network.canReach(0, 1));
            assertFalse(net.network.canReach(2, 0));
            assertFalse(net.network.canReach(1, 2));
        }
    }

    @Test
    void crashedMemberNeitherSendsNorReceivesUntilRecovered() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(3, 4))) {
            net.send(0, 2, NetFixture.payload(1, 10));
            net.network.advanceTo(net.network.nextDeliveryTime());
            assertEquals(1, net.network.queued(2));
            net.network.crash(2);
            assertTrue(net.network.isCrashed(2));
            assertEquals(1, net.counter(2, "dropped crashed"), "what waited in its queue is gone");

            net.send(2, Transport.ALL, NetFixture.payload(2, 10));
            net.send(1, 2, NetFixture.payload(3, 10));
            net.runUntilIdle();
            assertEquals(0, net.receivedBy(0).size());
            assertEquals(0, net.receivedBy(1).size());
            assertEquals(0, net.receivedBy(2).size());
            assertEquals(3, net.counter(2, "dropped crashed"), "its queue, its own multicast, and what arrived");
            assertEquals(3, net.network.dropped(2, DropReason.CRASHED));
            assertEquals(3, net.network.dropped(DropReason.CRASHED));

            net.network.recover(2);
            net.send(1, 2, NetFixture.payload(4, 10));
            net.send(2, 1, NetFixture.payload(5, 10));
            net.runUntilIdle();
            assertEquals(4, NetFixture.id(net.receivedBy(2).get(0).bytes()));
            assertEquals(5, NetFixture.id(net.receivedBy(1).get(0).bytes()));
        }
    }

    @Test
    void crashOnScheduleStopsTrafficAtThatTime() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 5))) {
            net.network.crashAt(1_000_000, 1);
            int delivered = 0;
            for (int i = 0; i < 20; i++) {
                net.send(0, 1, NetFixture.payload(i, 10));
                net.network.advanceTo(net.network.clock().nanoTime() + 100_000);
                net.pollAll();
            }
            net.runUntilIdle();
            for (NetFixture.Received r : net.receivedBy(1)) {
                assertTrue(r.time() < 1_000_000);
                delivered++;
            }
            // The tenth arrives at 0.95 ms but waits for the poll at 1 ms, where the crash comes first.
            assertEquals(9, delivered, "sent every 100 us, 50 us delay, polled every 100 us, crash at 1 ms");
            assertEquals(11, net.counter(1, "dropped crashed"));
        }
    }

    @Test
    void closingATransportCrashesTheMember() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 6))) {
            net.transports[1].close();
            assertTrue(net.network.isCrashed(1));
            assertFalse(net.transports[1].send(0, 0, 0, 1));
            net.send(0, 1, NetFixture.payload(1, 10));
            net.runUntilIdle();
            assertEquals(1, net.network.dropped(1, DropReason.CRASHED));
        }
    }
}
