package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reliable traffic over AF_XDP leaves from the frames the sender keeps for retransmission, without a copy: the
 * sender here holds a second reference to every packet it sends (as a retransmission window does) and releases
 * it later, and every frame comes back to the pool once both the completion ring and the sender let go. A packet
 * fanned out by unicast to several members, still in flight to one while its headers are written for the next,
 * goes as a copy, and each member receives its own.
 */
class XskZeroCopyTest {
    private static final int PORT = 7500;
    private static final int COUNT = 20_000;
    /** Packets the sender keeps, like a retransmission window: it releases the oldest beyond this many. */
    private static final int KEPT = 128;
    private static final int LENGTH = 200;

    /** Checks each packet's content (sequence number and a pattern derived from it) and counts per sequence. */
    private static final class Receiver implements PacketHandler {
        final FramePool pool;
        final int[] copies = new int[COUNT];
        long received;
        long corrupt;

        Receiver(FramePool pool) {
            this.pool = pool;
        }

        @Override
        public void onPacket(int frame, int offset, int length) {
            int at = pool.frameOffset(frame) + offset;
            int seq = pool.buffer().getInt(at);
            if (length != LENGTH || seq < 0 || seq >= COUNT || !intact(pool, at, seq)) {
                corrupt++;
            } else {
                copies[seq]++;
                received++;
            }
            pool.release(frame);
        }
    }

    private static void fill(FramePool pool, int frame, int seq) {
        int at = pool.frameOffset(frame) + pool.headroom();
        pool.buffer().putInt(at, seq);
        for (int i = 4; i < LENGTH; i++) {
            pool.buffer().putByte(at + i, (byte) (seq * 31 + i));
        }
    }

    private static boolean intact(FramePool pool, int at, int seq) {
        for (int i = 4; i < LENGTH; i++) {
            if (pool.buffer().getByte(at + i) != (byte) (seq * 31 + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends {@code COUNT} packets from {@code sender} to {@code destination}, each from a frame with two
     * references (the caller's, released after the send, and a window's, kept for the last {@link #KEPT}); with {@code resend}, every packet goes twice in the same duty cycle (a retransmission before
     * the first send completed). Drives every transport until each receiver has them all, or 20 s passed.
     */
    private static void sendKeeping(Transport sender, FramePool pool, int destination, boolean resend,
                                    Transport[] transports, Receiver[] receivers, int... receiving) {
        ArrayDeque<Integer> kept = new ArrayDeque<>();
        int sent = 0;
        int copiesEach = resend ? 2 : 1;
        long base = least(receivers, receiving);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (least(receivers, receiving) < base + (long) COUNT * copiesEach && System.nanoTime() < deadline) {
            if (sent < COUNT && sent - (least(receivers, receiving) - base) / copiesEach < 256) {
                int frame = pool.acquire(Account.SEND);
                if (frame != FramePool.NO_FRAME) {
                    fill(pool, frame, sent);
                    pool.retain(frame); // the window's reference; the caller's goes after the send, as in Bottom
                    kept.addLast(frame);
                    sender.send(destination, frame, pool.headroom(), LENGTH);
                    if (resend) {
                        sender.send(destination, frame, pool.headroom(), LENGTH);
                    }
                    pool.release(frame);
                    if (kept.size() > KEPT) {
                        pool.release(kept.removeFirst());
                    }
                    sent++;
                }
            }
            for (int i = 0; i < transports.length; i++) {
                transports[i].flush();
                transports[i].poll(receivers[i], 64);
            }
        }
        while (!kept.isEmpty()) {
            pool.release(kept.removeFirst());
        }
    }

    private static long least(Receiver[] receivers, int[] receiving) {
        long least = Long.MAX_VALUE;
        for (int i : receiving) {
            least = Math.min(least, receivers[i].received);
        }
        return least;
    }

    /**
     * Flushes until every sent frame has completed: then the SEND account is empty, since the sender released
     * its references, and the only frames out of the pool are the fill ring's. No close: the pool's own counts.
     */
    private static void assertEveryFrameBack(Transport transport, FramePool pool, int ringSize) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pool.inUse(Account.SEND) > 0 && System.nanoTime() < deadline) {
            transport.flush();
            Thread.onSpinWait();
        }
        assertEquals(0, pool.inUse(Account.SEND), "SEND frames not back: " + pool.leakReport());
        assertTrue(pool.inUse(Account.RECEIVE) <= ringSize, "only the fill ring holds frames: "
            + pool.inUse(Account.RECEIVE));
        assertEquals(pool.frameCount() - pool.inUse(), pool.available());
        assertEquals(pool.inUse(Account.RECEIVE), pool.inUse());
    }

    @Test
    void keptPacketsToOneMemberGoInPlaceAndEveryFrameComesBack() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {XskTransportTest.at(VethNetwork.A_IP, PORT),
                XskTransportTest.at(VethNetwork.B_IP, PORT)};
            FramePool poolA = XskTransportTest.pool();
            FramePool poolB = XskTransportTest.pool();
            CounterSet countersA = new CounterSet("a", 64);
            CounterSet countersB = new CounterSet("b", 64);
            XskTransport a = XskTransportTest.open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members),
                poolA, countersA);
            XskTransport b = XskTransportTest.open(net.b, new XskTransportConfig(VethNetwork.B_IF).members(1, members),
                poolB, countersB);
            Receiver[] receivers = {new Receiver(poolA), new Receiver(poolB)};
            Transport[] transports = {a, b};

            sendKeeping(a, poolA, 1, false, transports, receivers, 1);
            assertEquals(COUNT, receivers[1].received, countersA.dump() + countersB.dump() + a.describe());
            assertEquals(0, receivers[1].corrupt);
            assertEquals(0, countersA.value("xsk copied"), countersA.dump());
            assertEquals(COUNT, countersA.value("xsk sent in place"), countersA.dump());
            assertEveryFrameBack(a, poolA, 1024);

            // A second send of a packet still in flight to the same member rewrites identical headers: in place.
            sendKeeping(a, poolA, 1, true, transports, receivers, 1);
            assertEquals(3L * COUNT, receivers[1].received, countersA.dump() + countersB.dump());
            assertEquals(0, receivers[1].corrupt);
            for (int seq = 0; seq < COUNT; seq++) {
                assertEquals(3, receivers[1].copies[seq], "copies of " + seq);
            }
            assertEquals(0, countersA.value("xsk copied"), countersA.dump());
            assertEquals(3L * COUNT, countersA.value("xsk sent in place"), countersA.dump());
            assertEveryFrameBack(a, poolA, 1024);
            a.close();
            b.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
            assertEquals(0, poolB.inUse(), poolB.leakReport());
        }
    }

    /**
     * A member forwards the tail of a packet it received and keeps (as mnak resends a kept message that came in
     * one bundle with others): headers written in front of the tail would overwrite the packet's own first part,
     * which another holder still reads, so the tail goes with its headers in another frame (or as a copy) and the
     * kept packet stays intact.
     */
    @ParameterizedTest(name = "split headers {0}")
    @ValueSource(booleans = {true, false})
    void aSharedReceivedFramesInnerPacketIsNotOverwritten(boolean split) throws Exception {
        Assumptions.assumeTrue(!split || XskTransportConfig.kernelHasMultiBuffer(), "needs Linux 6.6 (XDP_USE_SG)");
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {XskTransportTest.at(VethNetwork.A_IP, PORT),
                XskTransportTest.at(VethNetwork.B_IP, PORT)};
            FramePool poolA = XskTransportTest.pool();
            FramePool poolB = XskTransportTest.pool();
            CounterSet countersA = new CounterSet("a", 64);
            CounterSet countersB = new CounterSet("b", 64);
            XskTransport a = XskTransportTest.open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members),
                poolA, countersA);
            XskTransport b = XskTransportTest.open(net.b, new XskTransportConfig(VethNetwork.B_IF).members(1, members)
                .splitHeaders(split), poolB, countersB);
            int frame = poolA.acquire(Account.SEND);
            fill(poolA, frame, 7);
            a.send(1, frame, poolA.headroom(), LENGTH);
            poolA.release(frame);
            int[] got = {FramePool.NO_FRAME, 0};
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got[0] == FramePool.NO_FRAME && System.nanoTime() < deadline) {
                a.flush();
                b.poll((f, offset, length) -> {
                    got[0] = f;
                    got[1] = offset;
                }, 64);
            }
            assertTrue(got[0] != FramePool.NO_FRAME, countersB.dump());
            int received = got[0];
            int payload = poolB.frameOffset(received) + got[1];
            assertTrue(intact(poolB, payload, 7));
            poolB.retain(received); // kept, like a retransmission buffer; the handler's reference is the caller's
            int tail = LENGTH / 2;
            b.send(0, received, got[1] + tail, LENGTH - tail);
            poolB.release(received);
            Receiver receiverA = new Receiver(poolA);
            int[] tailLength = {0};
            boolean[] tailIntact = {false};
            deadline = System.nanoTime() + 5_000_000_000L;
            while (tailLength[0] == 0 && System.nanoTime() < deadline) {
                b.flush();
                a.poll((f, offset, length) -> {
                    tailLength[0] = length;
                    tailIntact[0] = true;
                    for (int i = 0; i < length; i++) {
                        int at = poolA.frameOffset(f) + offset + i;
                        tailIntact[0] &= poolA.buffer().getByte(at) == (byte) (7 * 31 + tail + i);
                    }
                    poolA.release(f);
                }, 64);
            }
            assertEquals(LENGTH - tail, tailLength[0], countersA.dump() + countersB.dump());
            assertTrue(intact(poolB, payload, 7), "the kept packet in front of the forwarded tail is intact");
            assertTrue(tailIntact[0], "the forwarded tail arrived intact");
            assertEquals(split ? 0 : 1, countersB.value("xsk copied"), countersB.dump());
            assertEquals(split ? 1 : 0, countersB.value("xsk sent split"), countersB.dump());
            poolB.release(received);
            assertEveryFrameBack(b, poolB, 1024);
            a.close();
            b.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
            assertEquals(0, poolB.inUse(), poolB.leakReport());
        }
    }

    @Test
    void keptPacketsToTheMulticastGroupGoInPlace() throws Exception {
        Bridged bridged = new Bridged(true, false);
        try (bridged) {
            sendKeeping(bridged.transports[0], bridged.pools[0], Transport.ALL, false, bridged.transports,
                bridged.receivers, 1, 2);
            CounterSet sender = bridged.counters[0];
            for (int member = 1; member <= 2; member++) {
                assertEquals(COUNT, bridged.receivers[member].received, sender.dump() + bridged.counters[member].dump());
                assertEquals(0, bridged.receivers[member].corrupt);
            }
            assertEquals(0, sender.value("xsk copied"), sender.dump());
            assertEquals(COUNT, sender.value("xsk sent in place"), sender.dump());
            assertEquals(COUNT, sender.value("xsk sent"), sender.dump());
            assertEveryFrameBack(bridged.transports[0], bridged.pools[0], 1024);
        }
        bridged.assertClosedClean();
    }

    /**
     * One kept frame sent to two members by unicast: the second member's headers cannot go over the frame still
     * in flight to the first, so that send has its headers in another frame (or is a copy), and each member
     * receives every packet, intact, once. Writing them over the in-flight frame would send both to the second.
     */
    @ParameterizedTest(name = "split headers {0}")
    @ValueSource(booleans = {true, false})
    void unicastFanOutOfAKeptFrameReachesEachMemberWithItsOwnHeaders(boolean split) throws Exception {
        Assumptions.assumeTrue(!split || XskTransportConfig.kernelHasMultiBuffer(), "needs Linux 6.6 (XDP_USE_SG)");
        Bridged bridged = new Bridged(false, split);
        try (bridged) {
            sendKeeping(bridged.transports[0], bridged.pools[0], Transport.ALL, false, bridged.transports,
                bridged.receivers, 1, 2);
            CounterSet sender = bridged.counters[0];
            for (int member = 1; member <= 2; member++) {
                Receiver receiver = bridged.receivers[member];
                assertEquals(COUNT, receiver.received, member + ": " + sender.dump() + bridged.counters[member].dump());
                assertEquals(0, receiver.corrupt);
                for (int seq = 0; seq < COUNT; seq++) {
                    assertEquals(1, receiver.copies[seq], "member " + member + ", packet " + seq);
                }
            }
            assertEquals(0, bridged.receivers[0].received, "nothing comes back to the sender");
            assertEquals(2L * COUNT, sender.value("xsk sent"), sender.dump());
            // The second destination of each packet: fresh headers before the shared payload, or a copy.
            assertEquals(split ? 0 : COUNT, sender.value("xsk copied"), sender.dump());
            assertEquals(split ? COUNT : 0, sender.value("xsk sent split"), sender.dump());
            assertEquals(COUNT, sender.value("xsk sent in place"), sender.dump());
            assertEveryFrameBack(bridged.transports[0], bridged.pools[0], 1024);
        }
        bridged.assertClosedClean();
    }

    /** Three members on a bridge, with or without a multicast group. */
    private static final class Bridged implements AutoCloseable {
        final TestNetwork net;
        final FramePool[] pools = new FramePool[3];
        final CounterSet[] counters = new CounterSet[3];
        final XskTransport[] transports = new XskTransport[3];
        final Receiver[] receivers = new Receiver[3];

        Bridged(boolean multicast, boolean split) throws Exception {
            VethNetwork.assumeUsable();
            net = TestNetwork.create();
            try {
                BridgedMembers bridged = new BridgedMembers(net, "10.77.5", 3, PORT);
                for (int i = 0; i < 3; i++) {
                    pools[i] = XskTransportTest.pool();
                    counters[i] = new CounterSet("m" + i, 64);
                    XskTransportConfig config = new XskTransportConfig(BridgedMembers.interfaceOf(i))
                        .members(i, bridged.addresses).splitHeaders(split);
                    if (multicast) {
                        config.multicast(InetAddress.getByName("239.77.0.5"));
                    }
                    transports[i] = XskTransportTest.open(bridged.spaces[i], config, pools[i], counters[i]);
                    receivers[i] = new Receiver(pools[i]);
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                for (XskTransport transport : transports) {
                    if (transport != null) {
                        transport.close();
                    }
                }
            } finally {
                net.close();
            }
        }

        void assertClosedClean() {
            for (FramePool pool : pools) {
                assertEquals(0, pool.inUse(), pool.leakReport());
            }
        }
    }
}
