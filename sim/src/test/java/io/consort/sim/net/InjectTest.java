package io.consort.sim.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Arbitrary bytes can be thrown at a member at a chosen time, from a member or from nowhere. */
class InjectTest {
    @Test
    void injectedBytesArriveAtTheirTimeUnchanged() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 1))) {
            byte[] garbage = {1, 2, 3};
            assertTrue(net.network.inject(1, SimNetwork.UNKNOWN_SOURCE, garbage, 5_000));
            assertEquals(5_000, net.network.nextDeliveryTime());
            net.network.advanceTo(4_999);
            net.pollAll();
            assertEquals(0, net.received.size());
            net.network.advanceTo(5_000);
            net.pollAll();
            assertEquals(1, net.received.size());
            assertArrayEquals(garbage, net.received.get(0).bytes());
            assertEquals(5_000, net.received.get(0).time());
        }
    }

    @Test
    void emptyPacketsAndMaximalPacketsAreDeliveredOversizedAreNot() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 2))) {
            assertTrue(net.network.inject(0, 1, new byte[0], 0));
            assertTrue(net.network.inject(0, 1, new byte[1472], 0));
            assertFalse(net.network.inject(0, 1, new byte[1473], 0));
            net.runUntilIdle();
            assertEquals(2, net.received.size());
            assertEquals(1, net.counter(0, "dropped oversized"));
        }
    }

    @Test
    void injectionFromAMemberRespectsPartitionsButFromNowhereDoesNot() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(3, 3))) {
            net.network.partition(new int[] {0}, new int[] {1, 2});
            net.network.inject(0, 1, new byte[] {1}, 0);
            net.network.inject(0, SimNetwork.UNKNOWN_SOURCE, new byte[] {2}, 0);
            net.runUntilIdle();
            assertEquals(1, net.received.size());
            assertEquals(2, net.received.get(0).bytes()[0]);
            assertEquals(1, net.counter(0, "dropped partition"));
        }
    }

    @Test
    void theFutureCannotBeRewritten() throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(2, 4))) {
            net.network.advanceTo(1_000);
            assertThrows(IllegalArgumentException.class, () -> net.network.inject(0, 1, new byte[1], 999));
            assertThrows(IllegalArgumentException.class, () -> net.network.crashAt(999, 0));
            assertThrows(IllegalArgumentException.class, () -> net.network.clock().advanceTo(999));
        }
    }

    /** A shower of garbage interleaved with real traffic: the garbage arrives as is and the traffic is intact. */
    @Property(tries = 20)
    void garbageDoesNotDisturbOtherTraffic(@ForAll long seed) throws Exception {
        try (NetFixture net = new NetFixture(new SimNetworkConfig(3, seed))) {
            SplittableRandom random = new SplittableRandom(seed);
            int garbage = 0;
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[random.nextInt(1473)];
                random.nextBytes(junk);
                if (junk.length > 0) {
                    junk[0] = (byte) 0xff;
                }
                long at = net.network.clock().nanoTime() + random.nextLong(100_000);
                garbage += net.network.inject(random.nextInt(3), SimNetwork.UNKNOWN_SOURCE, junk, at) ? 1 : 0;
                net.send(random.nextInt(2), 2, NetFixture.payload(i, 1 + random.nextInt(1000)));
                net.network.advanceTo(net.network.clock().nanoTime() + random.nextLong(10_000));
                net.pollAll();
            }
            net.runUntilIdle();
            assertEquals(200 + garbage, net.received.size());
            int real = 0;
            for (NetFixture.Received r : net.receivedBy(2)) {
                if (r.bytes().length >= 4 && r.bytes()[0] != (byte) 0xff) {
                    int id = NetFixture.id(r.bytes());
                    assertArrayEquals(NetFixture.payload(id, r.bytes().length), r.bytes());
                    real++;
                }
            }
            assertEquals(200, real);
        }
    }
}
