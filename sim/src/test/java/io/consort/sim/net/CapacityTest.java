package io.consort.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.transport.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bandwidth spaces packets out; every bounded resource drops and counts rather than grows. */
class CapacityTest {
    @Test
    void bandwidthSpacesDeliveriesBySerialisationTime() throws Exception {
        // 1000 bytes at 1 MB/s take 1 ms to go out, whatever the propagation delay.
        LinkConfig link = new LinkConfig().delay(50_000, 0).bandwidth(1_000_000);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 1).defaultLink(link))) {
            for (int i = 0; i < 10; i++) {
                net.send(0, 1, NetFixture.payload(i, 1000));
            }
            net.runUntilIdle();
            List<NetFixture.Received> got = net.receivedBy(1);
            assertEquals(10, got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals((i + 1) * 1_000_000L + 50_000, got.get(i).time());
                assertEquals(i, NetFixture.id(got.get(i).bytes()));
            }
        }
    }

    @Test
    void eachDirectedLinkHasItsOwnBandwidth() throws Exception {
        LinkConfig link = new LinkConfig().delay(0, 0).bandwidth(1_000_000);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(3, 2).defaultLink(link))) {
            net.send(0, Transport.ALL, NetFixture.payload(1, 1000));
            net.send(1, 0, NetFixture.payload(2, 1000));
            net.runUntilIdle();
            for (NetFixture.Received r : net.received) {
                assertEquals(1_000_000, r.time());
            }
            assertEquals(3, net.received.size());
        }
    }

    @Test
    void linkBacklogLimitRefusesAndCounts() throws Exception {
        LinkConfig link = new LinkConfig().bandwidth(1_000_000).backlogLimit(3_000_000);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 3).defaultLink(link))) {
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                refused += net.send(0, 1, NetFixture.payload(i, 1000)) ? 0 : 1;
            }
            net.runUntilIdle();
            assertEquals(4, net.receivedBy(1).size(), "backlogs of 0 to 3 ms pass, then it is full");
            assertEquals(6, refused);
            assertEquals(6, net.counter(0, "dropped link full"));
        }
    }

    @Test
    void fullReceiveQueueDropsAndCounts() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 4).receiveQueueCapacity(8))) {
            for (int i = 0; i < 20; i++) {
                assertTrue(net.send(0, 1, NetFixture.payload(i, 100)));
            }
            net.network.advanceTo(1_000_000);
            assertEquals(8, net.network.queued(1));
            net.pollAll();
            assertEquals(8, net.receivedBy(1).size());
            assertEquals(12, net.counter(1, "dropped rx queue full"));
            assertEquals(8, net.counter(1, "received"));
            assertTrue(net.network.isIdle());
        }
    }

    @Test
    void emptyReceivePoolDropsAndCountsAndRecovers() throws Exception {
        FramePoolConfig small = new FramePoolConfig().frameCount(64).receiveLimit(4).sendLimit(4).controlLimit(4);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 5), small)) {
            FramePool pool = net.pools[1];
            int[] held = new int[pool.limit(Account.RECEIVE)];
            for (int i = 0; i < held.length; i++) {
                held[i] = pool.acquire(Account.RECEIVE);
            }
            for (int i = 0; i < 3; i++) {
                net.send(0, 1, NetFixture.payload(i, 100));
            }
            net.network.advanceTo(1_000_000);
            net.pollAll();
            assertEquals(0, net.receivedBy(1).size(), "the stack holds every receive frame");
            assertEquals(3, net.counter(1, "dropped rx pool empty"));
            assertTrue(net.network.isIdle(), "dropped packets leave the network");
            for (int frame : held) {
                pool.release(frame);
            }
            net.send(0, 1, NetFixture.payload(9, 100));
            net.runUntilIdle();
            assertEquals(1, net.receivedBy(1).size());
        }
    }

    @Test
    void fullNetworkRefusesAndCounts() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(3, 6).inFlightCapacity(5))) {
            assertTrue(net.send(0, Transport.ALL, NetFixture.payload(1, 10)));
            assertTrue(net.send(0, Transport.ALL, NetFixture.payload(2, 10)));
            assertFalse(net.send(0, Transport.ALL, NetFixture.payload(3, 10)), "one slot left for two copies");
            assertEquals(1, net.counter(0, "dropped network full"));
            assertEquals(5, net.network.inFlight());
            net.runUntilIdle();
            assertEquals(5, net.received.size());
            assertTrue(net.network.isIdle());
        }
    }

    @Test
    void oversizedPacketIsRefusedAndCounted() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 7).maxPacketLength(200))) {
            assertEquals(200, net.transports[0].maxPacketLength());
            assertEquals(0, net.transports[0].headroom());
            assertTrue(net.send(0, 1, NetFixture.payload(1, 200)));
            assertFalse(net.send(0, 1, NetFixture.payload(2, 201)));
            net.runUntilIdle();
            assertEquals(1, net.receivedBy(1).size());
            assertEquals(1, net.counter(0, "dropped oversized"));
        }
    }

    @Test
    void packetArrivesRightAfterTheReceivePoolsHeadroom() throws Exception {
        FramePoolConfig config = new FramePoolConfig().frameCount(64).headroom(200);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 8), config)) {
            net.send(0, 1, NetFixture.payload(42, 300));
            net.network.advanceTo(net.network.nextDeliveryTime());
            int[] seen = new int[3];
            net.transports[1].poll((frame, offset, length) -> {
                seen[0] = offset;
                seen[1] = length;
                seen[2] = net.pools[1].buffer().getInt(net.pools[1].frameOffset(frame) + offset);
                net.pools[1].release(frame);
            }, 10);
            assertEquals(200, seen[0]);
            assertEquals(300, seen[1]);
            assertEquals(42, Integer.reverseBytes(seen[2]));
        }
    }
}
