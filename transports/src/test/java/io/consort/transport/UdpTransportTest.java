package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three members on 127.0.0.1 in one JVM, each with its own pool and transport. */
class UdpTransportTest {
    private static final int MEMBERS = 3;

    private final FramePool[] pools = new FramePool[MEMBERS];
    private final CounterSet[] counters = new CounterSet[MEMBERS];
    private final UdpTransport[] transports = new UdpTransport[MEMBERS];
    private final InetSocketAddress[] addresses = new InetSocketAddress[MEMBERS];

    private void open(int maxPacketLength) throws IOException {
        for (int rank = 0; rank < MEMBERS; rank++) {
            addresses[rank] = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        }
        for (int rank = 0; rank < MEMBERS; rank++) {
            pools[rank] = FramePool.allocate(new FramePoolConfig().frameCount(64).receiveLimit(16));
            counters[rank] = new CounterSet("m" + rank, 32);
            transports[rank] = new UdpTransport(
                new UdpTransportConfig().members(rank, addresses).maxPacketLength(maxPacketLength),
                pools[rank], counters[rank]);
        }
    }

    private static int freePort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @AfterEach
    void everyFrameIsBackAfterClose() throws Exception {
        for (int rank = 0; rank < MEMBERS; rank++) {
            if (transports[rank] != null) {
                transports[rank].close();
                transports[rank].close();
                assertEquals(0, pools[rank].inUse(), pools[rank].leakReport());
                pools[rank].close();
            }
        }
    }

    /** Sends {@code text} from {@code from} to {@code to}, with room in front as layers would leave. */
    private boolean send(int from, int to, String text) {
        FramePool pool = pools[from];
        int frame = pool.acquire(Account.SEND);
        byte[] bytes = text.getBytes();
        pool.buffer().putBytes(pool.frameOffset(frame) + pool.headroom(), bytes);
        boolean queued = transports[from].send(to, frame, pool.headroom(), bytes.length);
        pool.release(frame);
        return queued;
    }

    /** Polls {@code rank} until {@code count} packets arrived (or two seconds passed); returns them as text. */
    private List<String> receive(int rank, int count) {
        List<String> got = new ArrayList<>();
        FramePool pool = pools[rank];
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (got.size() < count && System.nanoTime() < deadline) {
            transports[rank].poll((frame, offset, length) -> {
                byte[] bytes = new byte[length];
                pool.buffer().getBytes(pool.frameOffset(frame) + offset, bytes);
                got.add(new String(bytes));
                pool.release(frame);
            }, 16);
        }
        return got;
    }

    @Test
    void unicastBetweenTwoMembers() throws IOException {
        open(1472);
        assertEquals(0, transports[0].headroom());
        assertTrue(send(0, 1, "hello 1"));
        assertTrue(send(1, 0, "hello 0"));
        assertEquals(List.of("hello 1"), receive(1, 1));
        assertEquals(List.of("hello 0"), receive(0, 1));
        assertEquals(1, counters[0].value("udp sent"));
        assertEquals(1, counters[0].value("udp received"));
    }

    @Test
    void allFansOutToEveryOtherMember() throws IOException {
        open(1472);
        for (int i = 0; i < 10; i++) {
            assertTrue(send(2, Transport.ALL, "to all " + i));
        }
        assertEquals(10, receive(0, 10).size());
        assertEquals(10, receive(1, 10).size());
        assertEquals(0, receive(2, 1).size());
        assertEquals(20, counters[2].value("udp sent"));
    }

    @Test
    void strangersAndOversizedDatagramsAreDroppedAndCounted() throws IOException {
        open(100);
        try (DatagramChannel stranger = DatagramChannel.open()) {
            stranger.send(ByteBuffer.wrap("who am I".getBytes()), addresses[0]);
        }
        assertTrue(send(1, 0, "x".repeat(100)));
        DatagramChannel member1 = null;
        transports[1].close();
        try {
            member1 = DatagramChannel.open().bind(addresses[1]);
            member1.send(ByteBuffer.wrap(new byte[101]), addresses[0]);
        } finally {
            if (member1 != null) {
                member1.close();
            }
        }
        assertEquals(List.of("x".repeat(100)), receive(0, 1));
        receive(0, 1);
        assertEquals(1, counters[0].value("udp dropped not-member"));
        assertEquals(1, counters[0].value("udp dropped oversized"));
    }

    @Test
    void receivingStopsWhenThePoolRunsDryAndResumesAfter() throws IOException {
        open(1472);
        for (int i = 0; i < 24; i++) {
            assertTrue(send(0, 1, "p" + i));
        }
        List<Integer> held = new ArrayList<>();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (held.size() < 16 && System.nanoTime() < deadline) {
            transports[1].poll((frame, offset, length) -> held.add(frame), 100);
        }
        assertEquals(16, held.size());
        assertEquals(0, transports[1].poll((frame, offset, length) -> held.add(frame), 100));
        held.forEach(pools[1]::release);
        assertEquals(8, receive(1, 8).size());
    }
}
