package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.NetNamespace;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The AF_XDP transport on real packets between network namespaces. */
class XskTransportTest {
    static final int PORT = 7100;

    static FramePool pool() {
        return FramePool.allocate(new FramePoolConfig().frameSize(2048).frameCount(4096));
    }

    static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /** Opens a transport inside {@code ns} (its socket and XDP program belong there). */
    static XskTransport open(NetNamespace ns, XskTransportConfig config, FramePool pool, CounterSet counters)
        throws Exception {
        return ns.call(() -> new XskTransport(config.ringSize(1024), pool, counters));
    }

    /** Sends {@code text} from a fresh SEND frame, leaving room for the transport's headers. */
    static boolean send(Transport transport, FramePool pool, int destination, String text) {
        int frame = pool.acquire(Account.SEND);
        byte[] bytes = text.getBytes();
        int offset = pool.headroom();
        pool.buffer().putBytes(pool.frameOffset(frame) + offset, bytes);
        boolean queued = transport.send(destination, frame, offset, bytes.length);
        pool.release(frame);
        return queued;
    }

    /** Flushes and polls {@code transport} (dropping what arrives) until {@code done}, at most five seconds. */
    static void pollUntil(BooleanSupplier done, FramePool pool, Transport transport) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            transport.flush();
            transport.poll((frame, offset, length) -> pool.release(frame), 64);
            Thread.onSpinWait();
        }
    }

    /** Collects received payloads as text, releasing frames. */
    static final class Inbox {
        final List<String> texts = new ArrayList<>();
        final FramePool pool;

        Inbox(FramePool pool) {
            this.pool = pool;
        }

        int drain(Transport transport) {
            transport.flush();
            return transport.poll((frame, offset, length) -> {
                byte[] bytes = new byte[length];
                pool.buffer().getBytes(pool.frameOffset(frame) + offset, bytes);
                texts.add(new String(bytes));
                pool.release(frame);
            }, 64);
        }
    }

    @Test
    void twoMembersExchangeManyPacketsAndEveryFrameComesBack() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            FramePool poolA = pool();
            FramePool poolB = pool();
            CounterSet countersA = new CounterSet("a", 64);
            CounterSet countersB = new CounterSet("b", 64);
            XskTransport a = open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members), poolA, countersA);
            XskTransport b = open(net.b, new XskTransportConfig(VethNetwork.B_IF).members(1, members), poolB, countersB);
            assertEquals(42, a.headroom());
            Inbox inboxA = new Inbox(poolA);
            Inbox inboxB = new Inbox(poolB);
            int count = 20_000;
            int sentAb = 0;
            int sentBa = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while ((inboxB.texts.size() < count || inboxA.texts.size() < count) && System.nanoTime() < deadline) {
                // Keep at most a few hundred in flight: the rings and the pool are finite, like a real window.
                if (sentAb < count && sentAb - inboxB.texts.size() < 256 && send(a, poolA, 1, "a->b " + sentAb)) {
                    sentAb++;
                }
                if (sentBa < count && sentBa - inboxA.texts.size() < 256 && send(b, poolB, 0, "b->a " + sentBa)) {
                    sentBa++;
                }
                inboxA.drain(a);
                inboxB.drain(b);
            }
            assertEquals(count, inboxB.texts.size(), countersB.dump() + b.describe());
            assertEquals(count, inboxA.texts.size(), countersA.dump() + a.describe());
            assertEquals("a->b 0", inboxB.texts.get(0));
            assertEquals("a->b " + (count - 1), inboxB.texts.get(count - 1));
            assertEquals(count, countersA.value("xsk received"));
            assertEquals(count, countersB.value("xsk sent"));
            a.close();
            b.close();
            a.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
            assertEquals(0, poolB.inUse(), poolB.leakReport());
        }
    }

    /**
     * What a duty cycle sends waits on the tx ring until its flush, which kicks once per 32 frames copy mode takes
     * (one kick for a small batch), not once per batch of the transport; the fill ring is topped up in batches.
     */
    @Test
    void aDutyCycleOfSendsGoesOutWithTheKicksOfOneFlush() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            FramePool poolA = pool();
            FramePool poolB = pool();
            CounterSet countersA = new CounterSet("a", 64);
            CounterSet countersB = new CounterSet("b", 64);
            XskTransport a = open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members), poolA, countersA);
            XskTransport b = open(net.b, new XskTransportConfig(VethNetwork.B_IF).members(1, members), poolB, countersB);
            int count = 200; // more than three of the transport's batches of 64
            for (int i = 0; i < count; i++) {
                assertTrue(send(a, poolA, 1, "cycle " + i));
            }
            assertEquals(0, a.socketCounters().kicks(), "no kick before the flush");
            a.flush();
            long kicks = a.socketCounters().kicks();
            assertTrue(kicks >= 1 && kicks <= (count + 31) / 32 + 1, kicks + " kicks for " + count + " frames");
            Inbox inbox = new Inbox(poolB);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (inbox.texts.size() < count && System.nanoTime() < deadline) {
                inbox.drain(b);
                a.flush();
            }
            assertEquals(count, inbox.texts.size(), countersB.dump() + b.describe());
            assertEquals("cycle " + (count - 1), inbox.texts.get(count - 1));
            assertEquals(count, countersA.value("xsk sent"));
            assertTrue(a.socketCounters().kicks() <= kicks + 1, "later flushes with nothing queued do not kick: "
                + a.describe());
            a.close();
            b.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
            assertEquals(0, poolB.inUse(), poolB.leakReport());
        }
    }

    @Test
    void interoperatesWithKernelUdpSockets() throws Exception {
        try (VethNetwork net = VethNetwork.create();
             DatagramChannel kernel = net.b.call(() -> DatagramChannel.open()
                 .bind(new InetSocketAddress(InetAddress.getByName(VethNetwork.B_IP), PORT)))) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            FramePool poolA = pool();
            CounterSet counters = new CounterSet("a", 64);
            XskTransport a = open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members), poolA, counters);
            kernel.configureBlocking(false);
            // AF_XDP -> kernel: the kernel stack checks our IP and UDP checksums before delivering.
            ByteBuffer got = ByteBuffer.allocate(2048);
            for (int i = 0; i < 100; i++) {
                assertTrue(send(a, poolA, 1, "to the kernel " + i));
            }
            List<String> kernelGot = new ArrayList<>();
            pollUntil(() -> {
                got.clear();
                try {
                    if (kernel.receive(got) != null) {
                        kernelGot.add(new String(got.array(), 0, got.position()));
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                return kernelGot.size() == 100;
            }, poolA, a);
            assertEquals(100, kernelGot.size(), a.describe());
            assertEquals("to the kernel 0", kernelGot.get(0));
            // kernel -> AF_XDP: over a local veth these carry an unfinished (CHECKSUM_PARTIAL) UDP checksum.
            for (int i = 0; i < 100; i++) {
                kernel.send(ByteBuffer.wrap(("from the kernel " + i).getBytes()), members[0]);
            }
            Inbox inbox = new Inbox(poolA);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (inbox.texts.size() < 100 && System.nanoTime() < deadline) {
                inbox.drain(a);
            }
            assertEquals(100, inbox.texts.size(), counters.dump());
            assertEquals("from the kernel 99", inbox.texts.get(99));
            a.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
        }
    }

    @Test
    void strictChecksumPolicyRejectsTheKernelsUnfinishedChecksums() throws Exception {
        try (VethNetwork net = VethNetwork.create();
             DatagramChannel kernel = net.b.call(() -> DatagramChannel.open()
                 .bind(new InetSocketAddress(InetAddress.getByName(VethNetwork.B_IP), PORT)))) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            FramePool poolA = pool();
            CounterSet counters = new CounterSet("a", 64);
            XskTransport a = open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members)
                .checksumPolicy(io.consort.xsk.packet.UdpChecksumPolicy.VERIFY), poolA, counters);
            for (int i = 0; i < 10; i++) {
                kernel.send(ByteBuffer.wrap(("partial " + i).getBytes()), members[0]);
            }
            pollUntil(() -> counters.value("xsk dropped bad-udp-checksum") == 10, poolA, a);
            assertEquals(10, counters.value("xsk dropped bad-udp-checksum"), counters.dump());
            assertEquals(0, counters.value("xsk received"));
            a.close();
            assertEquals(0, poolA.inUse(), poolA.leakReport());
        }
    }
}
