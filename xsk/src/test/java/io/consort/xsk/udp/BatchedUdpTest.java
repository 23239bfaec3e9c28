package io.consort.xsk.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.consort.xsk.XskLibrary;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** recvmmsg/sendmmsg between two namespaces, in batches, with addresses and payloads checked. */
class BatchedUdpTest {
    @Test
    void batchesOfDatagramsCrossAVethPair() throws Exception {
        Assumptions.assumeTrue(TestNetwork.isRoot(), "needs root for network namespaces");
        Assumptions.assumeTrue(XskLibrary.isAvailable(), XskLibrary::unavailableReason);
        try (TestNetwork net = TestNetwork.create()) {
            NetNamespace a = net.namespace("ua");
            NetNamespace b = net.namespace("ub");
            net.veth(a, "csxua0", "10.77.3.1/24", b, "csxub0", "10.77.3.2/24");
            BatchedUdp client;
            BatchedUdp server;
            try (NetNamespace.Scope in = a.enter()) {
                client = BatchedUdp.bind("10.77.3.1", 0, false);
            }
            try (NetNamespace.Scope in = b.enter()) {
                server = BatchedUdp.bind("0.0.0.0", 7300, false);
            }
            ByteBuffer memory = BufferUtil.allocateDirectAligned(64 * 2048, 4096);
            UnsafeBuffer buffer = new UnsafeBuffer(memory);
            int count = 64;
            int[] offsets = new int[count];
            int[] lengths = new int[count];
            int[] addresses = new int[count];
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                offsets[i] = i * 2048;
                lengths[i] = 8 + i;
                buffer.putLong(offsets[i], 1000 + i);
                addresses[i] = BatchedUdp.ipv4("10.77.3.2");
                ports[i] = 7300;
            }
            int sent = 0;
            while (sent < count) {
                sent += client.send(buffer.addressOffset(), shift(offsets, sent),
                    shift(lengths, sent), shift(addresses, sent), shift(ports, sent), count - sent);
            }
            UnsafeBuffer in = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 2048, 4096));
            int received = 0;
            while (received < count) {
                int n = server.receive(in.addressOffset(), 2048, lengths, addresses, ports, count, 2000);
                Assumptions.assumeTrue(n > 0 || received > 0, "nothing arrived");
                for (int i = 0; i < n; i++) {
                    assertEquals(1000 + received + i, in.getLong(i * 2048));
                    assertEquals(8 + received + i, lengths[i]);
                    assertEquals(BatchedUdp.ipv4("10.77.3.1"), addresses[i]);
                    assertEquals(client.localPort(), ports[i]);
                }
                received += n;
            }
            assertEquals(count, received);
            client.close();
            server.close();
            server.close();
            assertThrows(IllegalStateException.class, server::fd);
        }
    }

    private static int[] shift(int[] values, int from) {
        int[] shifted = new int[values.length - from];
        System.arraycopy(values, from, shifted, 0, shifted.length);
        return shifted;
    }
}
