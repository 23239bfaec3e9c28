package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.BundleFormat;
import io.consort.layers.transport.BundlingTransport;
import io.consort.layers.transport.CountingSink;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import io.consort.testsupport.Allocations;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Bundling over the in-memory network: small packets to one destination within a duty cycle travel as one
 * datagram and come out intact, in order, as extents of one shared receive frame; a large packet travels alone
 * and after what was queued before it; malformed bundles are counted and dropped whole; and the steady state
 * allocates nothing.
 */
class BundlingTransportTest {
    private static final int MAX_PACKET = 1472;

    private final FramePool poolA = pool();
    private final FramePool poolB = pool();
    private final CounterSet countersA = new CounterSet("a", 64);
    private final CounterSet countersB = new CounterSet("b", 64);
    private final InMemoryNetwork network = new InMemoryNetwork(2, 1 << 20, MAX_PACKET);
    private final Transport a = new BundlingTransport(network.transport(0, poolA, countersA), poolA, countersA);
    private final Transport b = new BundlingTransport(network.transport(1, poolB, countersB), poolB, countersB);

    private static FramePool pool() {
        return FramePool.allocate(new FramePoolConfig().frameSize(2048).frameCount(1024)
            .leakDetection(LeakDetector.Level.OFF));
    }

    /** Keeps a copy of each packet and the frame it came in, then releases it. */
    private final class Collector implements PacketHandler {
        final List<byte[]> packets = new ArrayList<>();
        final List<Integer> frames = new ArrayList<>();

        @Override
        public void onPacket(int frame, int offset, int length) {
            byte[] copy = new byte[length];
            poolB.buffer().getBytes(poolB.frameOffset(frame) + offset, copy);
            packets.add(copy);
            frames.add(frame);
            poolB.release(frame);
        }
    }

    private byte[] send(Transport transport, FramePool pool, int destination, int length, int tag) {
        byte[] bytes = new byte[length];
        bytes[0] = WireIds.MAGIC;
        for (int i = 1; i < length; i++) {
            bytes[i] = (byte) (tag * 31 + i);
        }
        int frame = pool.acquire(Account.SEND);
        pool.buffer().putBytes(pool.frameOffset(frame) + pool.headroom(), bytes);
        assertTrue(transport.send(destination, frame, pool.headroom(), length));
        pool.release(frame);
        return bytes;
    }

    @Test
    void smallPacketsShareOneDatagramAndArriveIntactInOrderInOneFrame() {
        List<byte[]> expected = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            expected.add(send(a, poolA, 1, 24 + 13 * k, k));
        }
        a.flush();
        assertEquals(1, countersA.value("transport sent"), "one datagram for twelve packets");
        Collector collector = new Collector();
        b.poll(collector, 64);
        assertEquals(expected.size(), collector.packets.size());
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k), collector.packets.get(k), "packet " + k);
            assertEquals(collector.frames.get(0), collector.frames.get(k), "unpacked in place, not copied");
        }
        assertEquals(0, poolA.inUse(), poolA.leakReport());
        assertEquals(0, poolB.inUse(), poolB.leakReport());
    }

    @Test
    void aBundleStopsAtTheMaximumPacketLength() {
        int sent = 0;
        for (int k = 0; k < 40; k++) {
            send(a, poolA, 1, 200, k);
            sent++;
        }
        a.flush();
        long datagrams = countersA.value("transport sent");
        assertEquals((sent + 6) / 7, datagrams, "seven 200-byte packets fit 1472 bytes");
        Collector collector = new Collector();
        while (b.poll(collector, 64) > 0) {
            // drain
        }
        assertEquals(sent, collector.packets.size());
    }

    @Test
    void aLargePacketTravelsAloneAfterWhatWasQueuedBeforeIt() {
        List<byte[]> expected = new ArrayList<>();
        expected.add(send(a, poolA, Transport.ALL, 40, 1));
        expected.add(send(a, poolA, Transport.ALL, 50, 2));
        expected.add(send(a, poolA, Transport.ALL, 1200, 3));
        expected.add(send(a, poolA, Transport.ALL, 60, 4));
        a.flush();
        Collector collector = new Collector();
        while (b.poll(collector, 64) > 0) {
            // drain
        }
        assertEquals(expected.size(), collector.packets.size());
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k), collector.packets.get(k), "packet " + k);
        }
        assertEquals(1, countersA.value("bundling packets sent alone"));
        assertEquals(1, countersB.value("bundling bundles received"), "the two before it as a bundle; the last alone");
    }

    @Test
    void malformedBundlesAreCountedAndDroppedWhole() {
        CounterSet rawCounters = new CounterSet("raw", 16);
        Transport raw = network.transport(0, poolA, rawCounters); // sends without bundling: we write bundles by hand
        int[][] cases = {
            // {declared version, declared count, declared length delta, first entry length, extra bytes}
            {2, 2, 0, 30, 0},   // unknown version
            {1, 2, 4, 30, 0},   // bundle length says more than arrived
            {1, 0, 0, 30, 0},   // no packets
            {1, 2, 0, 2000, 0}, // entry runs past the end
            {1, 2, 0, 0, 0},    // empty entry
            {1, 2, 0, 30, 8},   // bytes after the last packet
            {1, 3, 0, 30, 0},   // fewer entries than counted
        };
        for (int[] c : cases) {
            int frame = poolA.acquire(Account.SEND);
            int at = poolA.frameOffset(frame) + poolA.headroom();
            UnsafeBuffer buffer = poolA.buffer();
            int second = BundleFormat.HEADER_LENGTH + BundleFormat.entrySize(Math.max(c[3], 1));
            int length = Math.min(second + BundleFormat.ENTRY_HEADER_LENGTH + 30, 1000) + c[4];
            buffer.setMemory(at, length, (byte) 0);
            BundleFormat.writeHeader(buffer, at, c[1], length + c[2]);
            buffer.putByte(at + BundleFormat.VERSION_OFFSET, (byte) c[0]);
            BundleFormat.writeEntry(buffer, at + BundleFormat.HEADER_LENGTH, c[3]);
            if (second + BundleFormat.ENTRY_HEADER_LENGTH <= length) {
                BundleFormat.writeEntry(buffer, at + second, 30);
            }
            raw.send(1, frame, poolA.headroom(), length);
            poolA.release(frame);
        }
        Collector collector = new Collector();
        while (b.poll(collector, 64) > 0) {
            // drain
        }
        assertEquals(0, collector.packets.size(), "nothing of a malformed bundle is handed up");
        assertEquals(cases.length, countersB.value("bundling dropped malformed bundle"));
        assertEquals(0, poolB.inUse(), poolB.leakReport());
    }

    @Test
    void theSteadyStateAllocatesNothing() {
        CountingSink sink = new CountingSink(poolB);
        exchange(400_000, sink);
        long receivedBefore = sink.packets();
        long allocated = Allocations.fewestBytes(3, () -> exchange(400_000, sink));
        assertEquals(3 * 400_000, sink.packets() - receivedBefore);
        assertTrue(countersB.value("bundling bundles received") > 400_000 / 16, "bundles were used");
        assertTrue(allocated < 1024, allocated + " bytes allocated for the fewest of 3 rounds of 400 000 packets");
    }

    private void exchange(int packets, CountingSink sink) {
        for (int k = 0; k < packets; k += 8) {
            for (int i = 0; i < 8; i++) {
                int frame = poolA.acquire(Account.SEND);
                poolA.buffer().putByte(poolA.frameOffset(frame) + poolA.headroom(), WireIds.MAGIC);
                a.send(1, frame, poolA.headroom(), 64 + i);
                poolA.release(frame);
            }
            a.flush();
            b.poll(sink, 64);
        }
    }
}
