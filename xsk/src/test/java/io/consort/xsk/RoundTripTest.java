package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Millions of packets from an AF_XDP socket in one namespace to an AF_XDP socket in the other, through rings
 * of 256 entries, so every ring wraps thousands of times; every packet arrives once, in order, and every
 * frame is back in its pool at the end.
 */
class RoundTripTest {
    private static final int PORT = 9100;
    private static final int PACKETS = 2_000_000;
    private static final int RING = 256;

    @Test
    void ringsWrapAroundOverMillionsOfPackets() throws Exception {
        // Sampled leak detection: strict mode records a stack trace per acquire, too slow for millions.
        UmemConfig config = new UmemConfig().framePool(new FramePoolConfig().frameSize(2048).frameCount(2048)
                .leakDetection(LeakDetector.Level.SAMPLED))
            .fillRingSize(RING).completionRingSize(RING);
        try (VethPair net = VethPair.create()) {
            Umem txUmem;
            Umem rxUmem;
            XskSocket tx;
            XskSocket rx;
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                txUmem = Umem.allocate(config);
                tx = XskSocket.open(txUmem, new XskSocketConfig(VethPair.A_IF, 0).bindMode(BindMode.COPY)
                    .rxRingSize(RING).txRingSize(RING));
            }
            try (NetNamespace.Scope in = net.b.enter()) {
                rxUmem = Umem.allocate(config);
                rx = XskSocket.open(rxUmem, new XskSocketConfig(VethPair.B_IF, 0).bindMode(BindMode.COPY)
                    .rxRingSize(RING).txRingSize(RING));
                steering = XdpSteering.attach(VethPair.B_IF, AttachMode.NATIVE);
                steering.routePort(PORT, 0);
                steering.addSocket(0, rx);
            }
            FramePool txPool = txUmem.pool();
            FramePool rxPool = rxUmem.pool();
            UnsafeBuffer txBuffer = txPool.buffer();
            UnsafeBuffer rxBuffer = rxPool.buffer();
            int batch = 64;
            int[] offsets = new int[batch];
            int[] lengths = new int[batch];
            int[] rxOffsets = new int[batch];
            int[] rxLengths = new int[batch];
            long sent = 0;
            long received = 0;
            long lost = 0;
            long expected = 0;
            long deadline = System.nanoTime() + 25_000_000_000L;
            while (received + lost < PACKETS && System.nanoTime() < deadline) {
                int n = 0;
                while (n < batch && sent + n < PACKETS) {
                    int frame = txPool.acquire(Account.SEND);
                    if (frame == FramePool.NO_FRAME) {
                        break;
                    }
                    int offset = txPool.frameOffset(frame) + txPool.headroom();
                    txBuffer.putLong(offset + RawFrames.HEADERS, sent + n);
                    offsets[n] = offset;
                    lengths[n] = RawFrames.udp(txBuffer, offset, VethPair.A_MAC, VethPair.B_MAC, VethPair.A_IP,
                        VethPair.B_IP, 40000, PORT, 18);
                    n++;
                }
                int accepted = n == 0 ? 0 : tx.send(offsets, lengths, n);
                for (int i = accepted; i < n; i++) {
                    txPool.release(txPool.frameOf(offsets[i]));
                }
                sent += accepted;
                tx.flush();
                int got = rx.receive(rxOffsets, rxLengths, batch);
                for (int i = 0; i < got; i++) {
                    long sequence = rxBuffer.getLong(rxOffsets[i] + RawFrames.HEADERS);
                    // copy mode on veth may drop under overload (counted by the kernel); never reorder or repeat
                    assertTrue(sequence >= expected, "packet " + sequence + " after " + expected);
                    lost += sequence - expected;
                    expected = sequence + 1;
                    rxPool.release(rxPool.frameOf(rxOffsets[i]));
                }
                received += got;
                if (accepted == 0 && got == 0 && sent == PACKETS) {
                    lost += PACKETS - expected;
                    expected = PACKETS;
                }
            }
            XskStatistics stats = rx.statistics(new XskStatistics());
            assertEquals(PACKETS, received + lost, "sent " + sent + " " + tx.counters() + " / " + rx.counters()
                + " / " + stats);
            assertTrue(received > PACKETS * 0.9, "received only " + received + ": " + stats);
            assertTrue(tx.counters().completions() > 0);
            steering.close();
            txUmem.close();
            rxUmem.close();
            assertEquals(0, txPool.inUse(), txPool.leakReport());
            assertEquals(0, rxPool.inUse(), rxPool.leakReport());
        }
    }
}
