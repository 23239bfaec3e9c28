package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.NetNamespace;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over a link whose MTU is below the default datagram (900 against 1500), both UDP transports send what the
 * link carries when no length is set, so the stack fragments to fit and datagrams arrive; a length set above it
 * fails at start, saying what to change. Before, the batched transport lost every datagram to send errors.
 */
class RouteMtuTest {
    private static final int PORT = 7320;
    private static final int MTU = 900;
    private static final int CARRIED = MTU - 28;

    @ParameterizedTest(name = "batched {0}")
    @ValueSource(booleans = {true, false})
    void anUnsetLengthFollowsTheRoute(boolean batched) throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            net.a.ip("link", "set", VethNetwork.A_IF, "mtu", String.valueOf(MTU));
            net.b.ip("link", "set", VethNetwork.B_IF, "mtu", String.valueOf(MTU));
            FramePool poolA = pool();
            FramePool poolB = pool();
            Transport a = open(net.a, batched, config(0), poolA);
            Transport b = open(net.b, batched, config(1), poolB);
            assertEquals(CARRIED, a.maxPacketLength());
            assertEquals(CARRIED, b.maxPacketLength());

            int frame = poolA.acquire(Account.SEND);
            poolA.buffer().setMemory(poolA.frameOffset(frame) + poolA.headroom(), CARRIED, (byte) 7);
            assertTrue(a.send(1, frame, poolA.headroom(), CARRIED));
            poolA.release(frame);
            a.flush();
            int[] arrived = {-1};
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (arrived[0] < 0 && System.nanoTime() < deadline) {
                b.poll((f, offset, length) -> {
                    arrived[0] = length;
                    poolB.release(f);
                }, 16);
            }
            assertEquals(CARRIED, arrived[0], "a datagram the link carries arrives whole");
            a.close();
            b.close();
        }
    }

    @ParameterizedTest(name = "batched {0}")
    @ValueSource(booleans = {true, false})
    void aSetLengthTheRouteCannotCarryIsRefused(boolean batched) throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            net.a.ip("link", "set", VethNetwork.A_IF, "mtu", String.valueOf(MTU));
            UdpTransportConfig config = config(0).maxPacketLength(1472);
            Exception refused = assertThrows(Exception.class, () -> open(net.a, batched, config, pool()));
            assertTrue(refused.getMessage().contains("lower maxPacketLength to " + CARRIED), refused.getMessage());
        }
    }

    private static UdpTransportConfig config(int rank) {
        return new UdpTransportConfig().members(rank, new InetSocketAddress(VethNetwork.A_IP, PORT),
            new InetSocketAddress(VethNetwork.B_IP, PORT));
    }

    private static FramePool pool() {
        return FramePool.allocate(new FramePoolConfig().frameSize(2048).frameCount(256)
            .leakDetection(LeakDetector.Level.OFF));
    }

    private static Transport open(NetNamespace space, boolean batched, UdpTransportConfig config, FramePool pool)
        throws Exception {
        CounterSet counters = new CounterSet("m", 64);
        return space.call(() -> batched ? new BatchedUdpTransport(config, pool, counters)
            : new UdpTransport(config, pool, counters));
    }
}
