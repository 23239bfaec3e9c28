package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batched kernel UDP between three namespaces on one Linux bridge: with a multicast group, a cast is one datagram
 * (runs of them one GSO message) that reaches both other members and does not come back to its sender; without,
 * ALL fans out as unicast. Either way every datagram arrives whole, once and in order.
 */
class BatchedMulticastBridgeTest {
    private static final int PORT = 7210;
    private static final int MEMBERS = 3;
    private static final int COUNT = 2000;
    private static final int LENGTH = 1000;

    @ParameterizedTest(name = "multicast {0}")
    @ValueSource(booleans = {true, false})
    void everyCastReachesBothOthersOnceInOrder(boolean multicast) throws Exception {
        VethNetwork.assumeUsable();
        try (TestNetwork net = TestNetwork.create()) {
            BridgedMembers bridged = new BridgedMembers(net, "10.77.13", MEMBERS, PORT);
            FramePool[] pools = new FramePool[MEMBERS];
            CounterSet[] counters = new CounterSet[MEMBERS];
            BatchedUdpTransport[] transports = new BatchedUdpTransport[MEMBERS];
            Inbox[] inboxes = new Inbox[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                pools[i] = FramePool.allocate(new FramePoolConfig().frameSize(2048).frameCount(4096)
                    .leakDetection(LeakDetector.Level.OFF));
                counters[i] = new CounterSet("m" + i, 64);
                UdpTransportConfig config = new UdpTransportConfig().members(i, bridged.addresses);
                if (multicast) {
                    config.multicast(InetAddress.getByName("239.77.0.13"), BridgedMembers.interfaceOf(i));
                }
                int rank = i;
                transports[i] = bridged.spaces[i].call(() -> new BatchedUdpTransport(config, pools[rank],
                    counters[rank]));
                inboxes[i] = new Inbox(pools[i]);
            }
            int sent = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while ((inboxes[1].tags.size() < COUNT || inboxes[2].tags.size() < COUNT) && System.nanoTime() < deadline) {
                // A duty cycle's worth at a time, never more than a socket buffer's worth in flight.
                for (int k = 0; k < 32 && sent < COUNT && sent - Math.min(inboxes[1].tags.size(),
                    inboxes[2].tags.size()) < 1024; k++) {
                    send(transports[0], pools[0], sent++);
                }
                transports[0].flush();
                for (int i = 0; i < MEMBERS; i++) {
                    transports[i].poll(inboxes[i], 64);
                }
            }
            for (int i = 1; i < MEMBERS; i++) {
                List<Integer> expected = new ArrayList<>();
                for (int k = 0; k < COUNT; k++) {
                    expected.add(k);
                }
                assertEquals(expected, inboxes[i].tags, "member " + i + ": " + counters[i].dump());
            }
            assertEquals(0, inboxes[0].tags.size(), "nothing comes back to its sender");
            assertEquals(0, counters[0].value("udp dropped own-multicast"), "no loopback copies between namespaces");
            assertEquals(multicast ? COUNT : 2L * COUNT, counters[0].value("udp sent"), counters[0].dump());
            assertTrue(counters[1].value("udp gro runs received") > 0, counters[1].dump());
            for (int i = 0; i < MEMBERS; i++) {
                transports[i].close();
                assertEquals(0, pools[i].inUse(), pools[i].leakReport());
                pools[i].close();
            }
        }
    }

    private static void send(Transport transport, FramePool pool, int tag) {
        int frame = pool.acquire(Account.SEND);
        int at = pool.frameOffset(frame) + pool.headroom();
        pool.buffer().putInt(at, tag);
        pool.buffer().setMemory(at + 4, LENGTH - 4, (byte) tag);
        assertTrue(transport.send(Transport.ALL, frame, pool.headroom(), LENGTH));
        pool.release(frame);
    }

    /** Records each arrival's tag, or -1 when its body is not intact. */
    private static final class Inbox implements PacketHandler {
        final FramePool pool;
        final List<Integer> tags = new ArrayList<>();

        Inbox(FramePool pool) {
            this.pool = pool;
        }

        @Override
        public void onPacket(int frame, int offset, int length) {
            int at = pool.frameOffset(frame) + offset;
            int tag = pool.buffer().getInt(at);
            for (int i = 4; i < length; i++) {
                if (pool.buffer().getByte(at + i) != (byte) tag) {
                    tag = -1;
                }
            }
            tags.add(length == LENGTH ? tag : -2);
            pool.release(frame);
        }
    }
}
