package io.consort.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Loss, duplication, delay and reordering happen at the configured rates and within the configured bounds. */
class LinkFaultsTest {
    private static final int PACKETS = 20_000;

    @Test
    void lossRateIsAsConfigured() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 11).defaultLink(new LinkConfig().loss(0.2)))) {
            sendSpaced(net, PACKETS);
            net.runUntilIdle();
            long received = net.receivedBy(1).size();
            assertTrue(received > PACKETS * 0.77 && received < PACKETS * 0.83, "received " + received);
            assertEquals(PACKETS - received, net.counter(0, "dropped loss"));
            assertEquals(PACKETS, net.counter(0, "sent"));
            assertEquals(received, net.counter(1, "received"));
            assertEquals(PACKETS - received, net.network.dropped(DropReason.LOSS));
        }
    }

    @Test
    void duplicationRateIsAsConfiguredAndNothingIsLost() throws Exception {
        LinkConfig link = new LinkConfig().duplicate(0.1).delay(10_000, 5_000);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 12).defaultLink(link))) {
            sendSpaced(net, PACKETS);
            net.runUntilIdle();
            List<NetFixture.Received> got = net.receivedBy(1);
            Set<Integer> distinct = new HashSet<>();
            for (NetFixture.Received r : got) {
                distinct.add(NetFixture.id(r.bytes()));
            }
            assertEquals(PACKETS, distinct.size());
            int duplicates = got.size() - PACKETS;
            assertTrue(duplicates > PACKETS * 0.08 && duplicates < PACKETS * 0.12, "duplicates " + duplicates);
        }
    }

    @Test
    void delayStaysWithinBaseAndJitterAndJitterReorders() throws Exception {
        LinkConfig link = new LinkConfig().delay(100_000, 50_000);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 13).defaultLink(link))) {
            long[] sentAt = new long[2000];
            for (int i = 0; i < sentAt.length; i++) {
                sentAt[i] = net.network.clock().nanoTime();
                net.send(0, 1, NetFixture.payload(i, 64));
                net.network.advanceTo(sentAt[i] + 10_000);
                net.pollAll();
            }
            net.runUntilIdle();
            int reordered = 0;
            int previous = -1;
            for (NetFixture.Received r : net.receivedBy(1)) {
                int id = NetFixture.id(r.bytes());
                long delay = r.time() - sentAt[id];
                // Arrival lands between polls, so a packet may wait up to one poll interval more.
                assertTrue(delay >= 100_000 && delay <= 150_000 + 10_000, "delay " + delay);
                reordered += id < previous ? 1 : 0;
                previous = Math.max(previous, id);
            }
            assertEquals(sentAt.length, net.receivedBy(1).size());
            assertTrue(reordered > 100, "jitter of 5 send intervals reorders often: " + reordered);
        }
    }

    @Test
    void noJitterKeepsOrderAndReorderProbabilityBreaksIt() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 14))) {
            sendSpaced(net, 1000);
            net.runUntilIdle();
            assertEquals(0, countReordered(net.receivedBy(1)));
        }
        LinkConfig link = new LinkConfig().reorder(0.1, 500_000);
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 14).defaultLink(link))) {
            sendSpaced(net, 1000);
            net.runUntilIdle();
            int reordered = countReordered(net.receivedBy(1));
            assertTrue(reordered > 30 && reordered < 200, "reordered " + reordered);
        }
    }

    @Test
    void multicastGoesToEveryOtherMemberButNotItself() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(4, 15))) {
            assertTrue(net.send(2, io.consort.layers.transport.Transport.ALL, NetFixture.payload(7, 100)));
            net.runUntilIdle();
            assertEquals(0, net.receivedBy(2).size());
            for (int rank : new int[] {0, 1, 3}) {
                assertEquals(1, net.receivedBy(rank).size());
                assertEquals(7, NetFixture.id(net.receivedBy(rank).get(0).bytes()));
            }
            assertEquals(3, net.counter(2, "sent"));
        }
    }

    private static void sendSpaced(NetFixture net, int packets) {
        for (int i = 0; i < packets; i++) {
            net.send(0, 1, NetFixture.payload(i, 32));
            net.network.advanceTo(net.network.clock().nanoTime() + 1_000);
            net.pollAll();
        }
    }

    /** Packets that arrive after one with a higher id. */
    private static int countReordered(List<NetFixture.Received> received) {
        int reordered = 0;
        int highest = -1;
        for (NetFixture.Received r : received) {
            int id = NetFixture.id(r.bytes());
            reordered += id < highest ? 1 : 0;
            highest = Math.max(highest, id);
        }
        return reordered;
    }
}
