package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.SteeringStat;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Real packets between an AF_XDP socket in one namespace and a kernel UDP socket in the other. */
class TransmitReceiveTest {
    private static final int PORT = 9000;

    static UmemConfig smallUmem() {
        return new UmemConfig().framePool(new FramePoolConfig().frameSize(2048).frameCount(4096))
            .fillRingSize(2048).completionRingSize(2048);
    }

    @Test
    void javaTransmitsKernelReceives() throws Exception {
        try (VethPair net = VethPair.create();
             DatagramChannel receiver = open(net.b, "10.77.1.2", PORT)) {
            Umem umem;
            XskSocket socket;
            try (NetNamespace.Scope in = net.a.enter()) {
                umem = Umem.allocate(smallUmem());
                socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0).bindMode(BindMode.COPY));
            }
            FramePool pool = umem.pool();
            int count = 100;
            int[] offsets = new int[count];
            int[] lengths = new int[count];
            RawFrames.textPackets(pool, "hello ", 40000, PORT, offsets, lengths);
            int sent = 0;
            while (sent < count) {
                sent += socket.send(shift(offsets, sent), shift(lengths, sent), count - sent);
                socket.flush();
            }
            ByteBuffer datagram = ByteBuffer.allocate(2048);
            for (int i = 0; i < count; i++) {
                datagram.clear();
                InetSocketAddress from = (InetSocketAddress) receiveWithin(receiver, datagram, 5000);
                datagram.flip();
                assertEquals("hello " + i, StandardCharsets.US_ASCII.decode(datagram).toString());
                assertEquals("10.77.1.1", from.getAddress().getHostAddress());
                assertEquals(40000, from.getPort());
            }
            assertEquals(count, socket.counters().txPackets());
            umem.close();
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }

    @Test
    void kernelTransmitsJavaReceives() throws Exception {
        try (VethPair net = VethPair.create()) {
            Umem umem;
            XskSocket socket;
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                umem = Umem.allocate(smallUmem());
                socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0).bindMode(BindMode.COPY));
                steering = XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE);
                steering.routePort(PORT, 0);
                steering.addSocket(0, socket);
            }
            FramePool pool = umem.pool();
            int count = 200;
            try (DatagramChannel sender = open(net.b, "10.77.1.2", 0)) {
                for (int i = 0; i < count; i++) {
                    sender.send(ByteBuffer.wrap(("ping " + i).getBytes(StandardCharsets.US_ASCII)),
                        new InetSocketAddress("10.77.1.1", PORT));
                }
            }
            int[] offsets = new int[64];
            int[] lengths = new int[64];
            int received = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean[] seen = new boolean[count];
            while (received < count && System.nanoTime() < deadline) {
                socket.awaitReceive(100);
                int n = socket.receive(offsets, lengths, offsets.length);
                for (int i = 0; i < n; i++) {
                    String text = payload(pool.buffer(), offsets[i], lengths[i]);
                    assertTrue(text.startsWith("ping "), text);
                    seen[Integer.parseInt(text.substring(5))] = true;
                    pool.release(pool.frameOf(offsets[i]));
                }
                received += n;
            }
            assertEquals(count, received);
            for (boolean s : seen) {
                assertTrue(s);
            }
            assertEquals(count, steering.stat(SteeringStat.REDIRECTED));
            steering.close();
            umem.close();
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }

    static String payload(UnsafeBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length - RawFrames.HEADERS];
        buffer.getBytes(offset + RawFrames.HEADERS, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    static DatagramChannel open(NetNamespace ns, String address, int port) throws Exception {
        try (NetNamespace.Scope in = ns.enter()) {
            return DatagramChannel.open().bind(new InetSocketAddress(address, port));
        }
    }

    static java.net.SocketAddress receiveWithin(DatagramChannel channel, ByteBuffer into, long millis)
        throws Exception {
        channel.configureBlocking(false);
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            java.net.SocketAddress from = channel.receive(into);
            if (from != null) {
                return from;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no datagram within " + millis + " ms");
    }

    static int[] shift(int[] values, int from) {
        int[] shifted = new int[values.length - from];
        System.arraycopy(values, from, shifted, 0, shifted.length);
        return shifted;
    }
}
