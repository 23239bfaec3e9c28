package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePool;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;

/**
 * Two sockets of one UMEM on one queue (shared fill and completion rings): the program spreads a port's
 * packets round-robin over them; removing one sends everything to the other; ARP and ICMP still work.
 */
class SharedUmemTest {
    private static final int PORT = 9200;

    @Test
    void roundRobinOverSocketsSharingAUmem() throws Exception {
        try (VethPair net = VethPair.create()) {
            Umem umem;
            XskSocket first;
            XskSocket second;
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                umem = Umem.allocate(TransmitReceiveTest.smallUmem());
                first = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
                second = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
                steering = XdpSteering.attach(VethPair.A_IF, AttachMode.SKB);
                steering.routePortRange(PORT, PORT + 9, 3);
                assertEquals(0, steering.addSocket(3, first));
                assertEquals(1, steering.addSocket(3, second));
            }
            FramePool pool = umem.pool();
            sendFromB(net, 100);
            int[] counts = drain(pool, first, second, 100);
            assertEquals(50, counts[0]);
            assertEquals(50, counts[1]);

            steering.removeSocket(3, first);
            sendFromB(net, 20);
            counts = drain(pool, first, second, 20);
            assertEquals(0, counts[0]);
            assertEquals(20, counts[1]);

            // Other traffic still reaches the kernel: ARP resolved above, now ICMP.
            try (NetNamespace.Scope in = net.b.enter()) {
                // As root the JDK sends an ICMP echo request here.
                assertTrue(java.net.InetAddress.getByName("10.77.1.1").isReachable(2000), "ICMP echo answered");
            }

            steering.close();
            umem.close();
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }

    private static void sendFromB(VethPair net, int count) throws Exception {
        try (NetNamespace.Scope in = net.b.enter(); DatagramChannel sender = DatagramChannel.open()) {
            for (int i = 0; i < count; i++) {
                sender.send(ByteBuffer.wrap(new byte[] {(byte) i}), new InetSocketAddress("10.77.1.1", PORT + i % 10));
            }
        }
    }

    private static int[] drain(FramePool pool, XskSocket first, XskSocket second, int expected) throws Exception {
        int[] counts = new int[2];
        int[] offsets = new int[64];
        int[] lengths = new int[64];
        long deadline = System.currentTimeMillis() + 5000;
        while (counts[0] + counts[1] < expected && System.currentTimeMillis() < deadline) {
            XskSocket[] sockets = {first, second};
            for (int s = 0; s < 2; s++) {
                if (sockets[s].isClosed()) {
                    continue;
                }
                int n = sockets[s].receive(offsets, lengths, 64);
                for (int i = 0; i < n; i++) {
                    pool.release(pool.frameOf(offsets[i]));
                }
                counts[s] += n;
            }
            Thread.sleep(1);
        }
        return counts;
    }
}
