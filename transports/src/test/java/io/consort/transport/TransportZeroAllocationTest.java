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
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The AF_XDP transport's steady state allocates nothing: two transports in two namespaces send packets to
 * each other (send, flush, poll with a non-capturing handler), and after a warm-up the thread's allocated-bytes
 * counter stays put over hundreds of thousands of packets.
 */
class TransportZeroAllocationTest {
    private static final int WARMUP = 50_000;
    private static final int MEASURED = 300_000;
    private static final long ONE_OFF_BYTES = 1024;
    private static final int ROUNDS = 3;
    private static final int PAYLOAD = 64;

    @Test
    void sendFlushPollAllocateNothing() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {XskTransportTest.at(VethNetwork.A_IP, XskTransportTest.PORT),
                XskTransportTest.at(VethNetwork.B_IP, XskTransportTest.PORT)};
            // Leak detection off, as in production: strict mode (the tests' default) records a stack per acquire.
            FramePoolConfig shape = new FramePoolConfig().frameSize(2048).frameCount(4096)
                .leakDetection(LeakDetector.Level.OFF);
            FramePool poolA = FramePool.allocate(shape);
            FramePool poolB = FramePool.allocate(shape);
            CounterSet countersA = new CounterSet("a", 64);
            CounterSet countersB = new CounterSet("b", 64);
            XskTransport a = XskTransportTest.open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members),
                poolA, countersA);
            XskTransport b = XskTransportTest.open(net.b, new XskTransportConfig(VethNetwork.B_IF).members(1, members),
                poolB, countersB);
            CountingSink sinkA = new CountingSink(poolA);
            CountingSink sinkB = new CountingSink(poolB);

            exchange(WARMUP, a, poolA, sinkB, b, poolB, sinkA);
            long receivedBefore = sinkA.packets() + sinkB.packets();
            long allocated = Allocations.fewestBytes(ROUNDS,
                () -> exchange(MEASURED / ROUNDS, a, poolA, sinkB, b, poolB, sinkA));
            long measured = sinkA.packets() + sinkB.packets() - receivedBefore;

            assertTrue(measured > MEASURED, "packets went through: " + measured + "; " + countersA.dump()
                + countersB.dump());
            assertTrue(allocated < ONE_OFF_BYTES, allocated + " bytes allocated in the fewest of " + ROUNDS
                + " rounds while " + measured + " packets went through");
            a.close();
            b.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
            assertEquals(0, poolB.inUse(), poolB.leakReport());
        }
    }

    /** {@code count} packets each way, at most 256 in flight per direction, or until nothing moves for 2 s. */
    private static void exchange(int count, XskTransport a, FramePool poolA, CountingSink sinkB, XskTransport b,
                                 FramePool poolB, CountingSink sinkA) {
        long sentAb = 0;
        long sentBa = 0;
        long startB = sinkB.packets();
        long startA = sinkA.packets();
        long idleSince = System.nanoTime();
        while ((sinkB.packets() - startB < count || sinkA.packets() - startA < count)
            && System.nanoTime() - idleSince < 2_000_000_000L) {
            long progress = sinkA.packets() + sinkB.packets();
            if (sentAb < count && sentAb - (sinkB.packets() - startB) < 256 && send(a, poolA, 1)) {
                sentAb++;
            }
            if (sentBa < count && sentBa - (sinkA.packets() - startA) < 256 && send(b, poolB, 0)) {
                sentBa++;
            }
            a.flush();
            b.flush();
            a.poll(sinkA, 64);
            b.poll(sinkB, 64);
            if (sinkA.packets() + sinkB.packets() > progress) {
                idleSince = System.nanoTime();
            }
        }
    }

    private static boolean send(Transport transport, FramePool pool, int destination) {
        int frame = pool.acquire(Account.SEND);
        if (frame == FramePool.NO_FRAME) {
            return false;
        }
        pool.buffer().putLong(pool.frameOffset(frame) + pool.headroom(), frame);
        boolean queued = transport.send(destination, frame, pool.headroom(), PAYLOAD);
        pool.release(frame);
        return queued;
    }
}
