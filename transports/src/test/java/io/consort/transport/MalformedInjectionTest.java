package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.CounterSet;
import io.consort.xsk.BindMode;
import io.consort.xsk.Umem;
import io.consort.xsk.UmemConfig;
import io.consort.xsk.XskSocket;
import io.consort.xsk.XskSocketConfig;
import io.consort.xsk.packet.Ipv4Address;
import io.consort.xsk.packet.Ipv4Flyweight;
import io.consort.xsk.packet.MacAddress;
import io.consort.xsk.packet.UdpFlyweight;
import io.consort.xsk.packet.UdpFrameWriter;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.function.IntConsumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Malformed frames injected on the wire (raw AF_XDP from the other namespace) are counted by reason and
 * returned to the pool; nothing crashes and every frame is accounted for.
 */
class MalformedInjectionTest {
    private static final int PORT = XskTransportTest.PORT;
    private static final int MEMBER_PORT = 7101;

    private static final class Injector {
        final Umem umem;
        final XskSocket socket;
        final FramePool pool;
        final UdpFrameWriter writer;
        final UdpFrameWriter stranger;
        final long aMac = MacAddress.parse(VethNetwork.A_MAC);
        final int aIp = Ipv4Address.parse(VethNetwork.A_IP);
        int injected;

        Injector(int sourcePort) {
            umem = Umem.allocate(new UmemConfig().framePool(new FramePoolConfig().frameSize(2048).frameCount(1024))
                .fillRingSize(256).completionRingSize(256));
            socket = XskSocket.open(umem, new XskSocketConfig(VethNetwork.B_IF, 0).bindMode(BindMode.COPY));
            pool = umem.pool();
            writer = new UdpFrameWriter(MacAddress.parse(VethNetwork.B_MAC), Ipv4Address.parse(VethNetwork.B_IP),
                sourcePort);
            stranger = new UdpFrameWriter(MacAddress.parse(VethNetwork.B_MAC), Ipv4Address.parse(VethNetwork.B_IP),
                sourcePort + 1);
        }

        void inject(int length, IntConsumer corrupt) {
            inject(writer, length, corrupt);
        }

        /** Builds a valid 100-byte-payload datagram to a's transport, lets {@code corrupt} change it, sends it. */
        void inject(UdpFrameWriter from, int length, IntConsumer corrupt) {
            int frame = pool.acquire(Account.SEND);
            UnsafeBuffer buffer = pool.buffer();
            int payload = pool.frameOffset(frame) + pool.headroom() + UdpFrameWriter.HEADERS_LENGTH;
            buffer.setMemory(payload, 100, (byte) 'x');
            int start = from.write(buffer, payload, 100, aMac, aIp, PORT);
            corrupt.accept(start);
            int[] offsets = {start};
            int[] lengths = {length};
            assertEquals(1, socket.send(offsets, lengths, 1));
            socket.flush();
            injected++;
        }
    }

    @Test
    void malformedFramesAreCountedByReasonAndReturned() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {XskTransportTest.at(VethNetwork.A_IP, PORT),
                XskTransportTest.at(VethNetwork.B_IP, MEMBER_PORT)};
            FramePool pool = XskTransportTest.pool();
            CounterSet counters = new CounterSet("a", 64);
            XskTransport a = XskTransportTest.open(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members)
                .neighbours(new io.consort.xsk.packet.StaticNeighbours().put(VethNetwork.B_IP, VethNetwork.B_MAC)),
                pool, counters);
            Injector in = net.b.call(() -> new Injector(MEMBER_PORT));
            int ip = 14;
            int udp = 34;
            UnsafeBuffer b = in.pool.buffer();
            in.inject(142, start -> { });
            in.inject(142, start -> b.putByte(start + ip + Ipv4Flyweight.TTL_OFFSET, (byte) 1));
            in.inject(142, start -> b.putByte(start + udp + 20, (byte) 'y'));
            in.inject(142, start -> {
                new UdpFlyweight().wrap(b, start + udp).length(100);
                new UdpFlyweight().wrap(b, start + udp).updateChecksum(in.writer.sourceIp(), in.aIp);
            });
            in.inject(120, start -> { });
            in.inject(142, start -> b.putByte(start + 5, (byte) 0x77));
            in.inject(142, start -> {
                new Ipv4Flyweight().wrap(b, start + ip).destination(Ipv4Address.parse("10.77.2.9")).updateChecksum();
                new UdpFlyweight().wrap(b, start + udp).updateChecksum(in.writer.sourceIp(), Ipv4Address.parse("10.77.2.9"));
            });
            in.inject(in.stranger, 142, start -> { });
            Random random = new Random(42);
            for (int i = 0; i < 200; i++) {
                int cut = 42 + random.nextInt(100);
                in.inject(cut, start -> {
                    for (int k = 0; k < 3; k++) {
                        b.putByte(start + 14 + random.nextInt(128), (byte) random.nextInt());
                    }
                    // Keep the port so the XDP program steers it to the transport.
                    b.putShort(start + udp + 2, (short) PORT, java.nio.ByteOrder.BIG_ENDIAN);
                });
            }
            int[] handed = {0};
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && accounted(counters) + handed[0] < 208) {
                a.flush();
                handed[0] += a.poll((frame, offset, length) -> pool.release(frame), 64);
            }
            for (String reason : new String[] {"bad-ip-checksum", "bad-udp-checksum", "bad-udp-length", "truncated",
                "wrong-mac", "wrong-ip", "not-member"}) {
                assertTrue(counters.value("xsk dropped " + reason) >= 1, reason + " not counted:\n" + counters.dump());
            }
            // What the XDP program steered was either delivered or dropped with a reason; none went missing.
            long steered = handed[0] + accounted(counters);
            assertEquals(counters.value("xsk received"), handed[0]);
            assertTrue(steered >= 8 && steered <= 208, counters.dump());
            a.close();
            in.umem.close();
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }

    private static long accounted(CounterSet counters) {
        long total = 0;
        for (io.consort.xsk.packet.ParseResult reason : io.consort.xsk.packet.ParseResult.values()) {
            if (reason != io.consort.xsk.packet.ParseResult.OK) {
                total += counters.value("xsk dropped " + reason.label());
            }
        }
        return total + counters.value("xsk dropped not-member");
    }
}
