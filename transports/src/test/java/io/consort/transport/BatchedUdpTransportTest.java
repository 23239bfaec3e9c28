package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.CountingSink;
import io.consort.layers.transport.Transport;
import io.consort.testsupport.Allocations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batched kernel UDP on 127.0.0.1: what a duty cycle queues leaves in one sendmmsg and arrives intact and in
 * order through recvmmsg; strangers' and oversized datagrams are counted and dropped; the steady state
 * allocates nothing.
 */
class BatchedUdpTransportTest {
    private static final int MEMBERS = 3;
    private static final int MAX_PACKET = 1000;

    private final FramePool[] pools = new FramePool[MEMBERS];
    private final CounterSet[] counters = new CounterSet[MEMBERS];
    private final BatchedUdpTransport[] transports = new BatchedUdpTransport[MEMBERS];

    private void open() throws IOException {
        open(true);
    }

    private void open(boolean segmentOffload) throws IOException {
        InetSocketAddress[] addresses = new InetSocketAddress[MEMBERS];
        for (int rank = 0; rank < MEMBERS; rank++) {
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                addresses[rank] = (InetSocketAddress) probe.getLocalAddress();
            }
        }
        for (int rank = 0; rank < MEMBERS; rank++) {
            pools[rank] = FramePool.allocate(new FramePoolConfig().frameSize(2048).frameCount(2048)
                .leakDetection(LeakDetector.Level.OFF));
            counters[rank] = new CounterSet("m" + rank, 32);
            transports[rank] = new BatchedUdpTransport(new UdpTransportConfig().members(rank, addresses)
                .maxPacketLength(MAX_PACKET).segmentOffload(segmentOffload), pools[rank], counters[rank]);
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

    private void send(int from, int to, int length, int tag) {
        FramePool pool = pools[from];
        int frame = pool.acquire(Account.SEND);
        int at = pool.frameOffset(frame) + pool.headroom();
        pool.buffer().putInt(at, tag);
        pool.buffer().setMemory(at + 4, length - 4, (byte) tag);
        assertTrue(transports[from].send(to, frame, pool.headroom(), length));
        pool.release(frame);
    }

    /** Polls until {@code count} packets arrived or nothing came for a second; returns their tags, checked intact. */
    private List<Integer> receive(int rank, int count) {
        List<Integer> tags = new ArrayList<>();
        FramePool pool = pools[rank];
        long idleSince = System.nanoTime();
        while (tags.size() < count && System.nanoTime() - idleSince < 1_000_000_000L) {
            int got = transports[rank].poll((frame, offset, length) -> {
                int at = pool.frameOffset(frame) + offset;
                int tag = pool.buffer().getInt(at);
                for (int i = 4; i < length; i++) {
                    if (pool.buffer().getByte(at + i) != (byte) tag) {
                        tag = -1;
                    }
                }
                tags.add(tag);
                pool.release(frame);
            }, 64);
            if (got > 0) {
                idleSince = System.nanoTime();
            }
        }
        return tags;
    }

    @Test
    void aDutyCyclesSendsLeaveInOneSystemCallAndArriveInOrder() throws Exception {
        open();
        for (int k = 0; k < 100; k++) {
            send(0, Transport.ALL, 20 + k * 9, k);
        }
        assertEquals(0, counters[0].value("udp sent"), "nothing leaves before the flush");
        transports[0].flush();
        assertEquals(200, counters[0].value("udp sent"));
        assertEquals(1, counters[0].value("udp sendmmsg calls"));
        assertEquals(0, pools[0].inUse(), "the queued frames were released after sending");
        for (int rank = 1; rank < MEMBERS; rank++) {
            List<Integer> tags = receive(rank, 100);
            assertEquals(100, tags.size());
            for (int k = 0; k < 100; k++) {
                assertEquals(k, tags.get(k), "packet " + k + " at member " + rank);
            }
            assertTrue(counters[rank].value("udp recvmmsg calls") < 100, counters[rank].dump());
        }
    }

    /**
     * Runs of equal datagrams, the fan-out interleaving two destinations, a length change inside a run and a shorter
     * last one: with segmentation offload each member's runs go down as GSO messages and come up coalesced, and
     * every datagram still arrives whole, once, in order, split where it was sent.
     */
    @ParameterizedTest(name = "segment offload {0}")
    @ValueSource(booleans = {true, false})
    void runsOfEqualDatagramsArriveSplitAsSent(boolean offload) throws Exception {
        open(offload);
        int[] lengths = new int[150];
        for (int k = 0; k < lengths.length; k++) {
            lengths[k] = k < 70 ? MAX_PACKET : k < 71 ? 300 : k < 140 ? 600 : k < 149 ? 8 : 7;
        }
        for (int k = 0; k < lengths.length; k++) {
            send(0, Transport.ALL, lengths[k], k);
        }
        transports[0].flush();
        assertEquals(2 * lengths.length, counters[0].value("udp sent"), counters[0].dump());
        for (int rank = 1; rank < MEMBERS; rank++) {
            List<Integer> tags = receive(rank, lengths.length);
            List<Integer> expected = new ArrayList<>();
            for (int k = 0; k < lengths.length; k++) {
                expected.add(k);
            }
            assertEquals(expected, tags, "member " + rank);
            assertEquals(offload, counters[rank].value("udp gro runs received") > 0, counters[rank].dump());
            assertEquals(0, counters[rank].value("udp dropped oversized"));
        }
    }

    @Test
    void strangersAndOversizedDatagramsAreCountedAndDropped() throws Exception {
        open();
        try (DatagramChannel stranger = DatagramChannel.open()) {
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                transports[1].localPort());
            stranger.send(ByteBuffer.allocate(100), target);
            stranger.send(ByteBuffer.allocate(MAX_PACKET + 1), target);
            stranger.send(ByteBuffer.allocate(1800), target);
        }
        send(0, 1, 50, 7);
        transports[0].flush();
        List<Integer> tags = receive(1, 1);
        assertEquals(List.of(7), tags);
        assertEquals(1, counters[1].value("udp dropped not-member"));
        assertEquals(2, counters[1].value("udp dropped oversized"));
    }

    @Test
    void sendFlushPollAllocateNothing() throws Exception {
        open();
        CountingSink sink = new CountingSink(pools[1]);
        exchange(100_000, sink);
        long receivedBefore = sink.packets();
        long allocated = Allocations.fewestBytes(3, () -> exchange(100_000, sink));
        long received = sink.packets() - receivedBefore;
        assertTrue(received > 290_000, "packets went through: " + received + " " + counters[0].dump()
            + counters[1].dump());
        assertTrue(allocated < 1024, allocated + " bytes allocated in the fewest of 3 rounds of 100 000 packets");
        assertTrue(counters[1].value("udp gro runs received") > 0, "runs went by segmentation offload");
    }

    /** {@code count} packets from 0 to 1 in duty cycles of 32, at most 512 in flight. */
    private void exchange(int count, CountingSink sink) {
        long sentHere = 0;
        long start = sink.packets();
        long idleSince = System.nanoTime();
        FramePool pool = pools[0];
        while (sink.packets() - start < count && System.nanoTime() - idleSince < 2_000_000_000L) {
            long before = sink.packets();
            for (int i = 0; i < 32 && sentHere < count && sentHere - (sink.packets() - start) < 512; i++) {
                int frame = pool.acquire(Account.SEND);
                transports[0].send(1, frame, pool.headroom(), 64);
                pool.release(frame);
                sentHere++;
            }
            transports[0].flush();
            transports[1].poll(sink, 64);
            if (sink.packets() > before) {
                idleSince = System.nanoTime();
            }
        }
    }
}
