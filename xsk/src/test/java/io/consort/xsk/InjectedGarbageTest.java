package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.SteeringStat;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Random and truncated frames sent on the wire from an AF_XDP socket in b, mixed with valid ones, to a
 * steered AF_XDP socket in a: garbage goes to the kernel (which drops it), valid frames arrive, nothing
 * crashes, every frame is accounted for.
 */
class InjectedGarbageTest {
    private static final int PORT = 9300;

    @Test
    void garbageOnTheWireIsPassedValidFramesStillArrive() throws Exception {
        try (VethPair net = VethPair.create()) {
            Umem aUmem;
            Umem bUmem;
            XskSocket receiver;
            XskSocket injector;
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                aUmem = Umem.allocate(TransmitReceiveTest.smallUmem());
                receiver = XskSocket.open(aUmem, new XskSocketConfig(VethPair.A_IF, 0));
                steering = XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE);
                steering.routePort(PORT, 0);
                steering.addSocket(0, receiver);
            }
            try (NetNamespace.Scope in = net.b.enter()) {
                bUmem = Umem.allocate(TransmitReceiveTest.smallUmem());
                injector = XskSocket.open(bUmem, new XskSocketConfig(VethPair.B_IF, 0));
            }
            FramePool pool = bUmem.pool();
            UnsafeBuffer buffer = pool.buffer();
            Random random = new Random(7);
            int[] offsets = new int[1];
            int[] lengths = new int[1];
            int valid = 0;
            int wellSized = 0;
            int total = 5000;
            for (int i = 0; i < total; i++) {
                int frame = pool.acquire(Account.SEND);
                int offset = pool.frameOffset(frame) + pool.headroom();
                if (i % 5 == 0) {
                    lengths[0] = RawFrames.udp(buffer, offset, VethPair.B_MAC, VethPair.A_MAC, VethPair.B_IP,
                        VethPair.A_IP, 40000, PORT, 10);
                    valid++;
                } else {
                    int length = 1 + random.nextInt(300);
                    for (int k = 0; k < length; k++) {
                        buffer.putByte(offset + k, (byte) random.nextInt());
                    }
                    RawFrames.putMac(buffer, offset, VethPair.A_MAC);
                    if (i % 2 == 0 && length > 14) {
                        buffer.putByte(offset + 12, (byte) 0x08);
                        buffer.putByte(offset + 13, (byte) 0x00);
                    }
                    lengths[0] = length;
                }
                // The kernel refuses to put frames shorter than an Ethernet header on the wire.
                wellSized += lengths[0] >= 14 ? 1 : 0;
                offsets[0] = offset;
                while (injector.send(offsets, lengths, 1) == 0) {
                    injector.flush();
                }
                if (i % 32 == 0) {
                    injector.flush();
                }
            }
            injector.flush();
            int[] rxOffsets = new int[64];
            int[] rxLengths = new int[64];
            int received = 0;
            long deadline = System.currentTimeMillis() + 5000;
            while (received < valid && System.currentTimeMillis() < deadline) {
                receiver.awaitReceive(50);
                int n = receiver.receive(rxOffsets, rxLengths, 64);
                for (int i = 0; i < n; i++) {
                    aUmem.pool().release(aUmem.pool().frameOf(rxOffsets[i]));
                }
                received += n;
            }
            assertEquals(valid, received);
            // Plus the odd frame b's own kernel sends (IPv6 neighbour discovery).
            long seen = steering.stat(SteeringStat.SEEN);
            assertTrue(seen >= wellSized && seen < wellSized + 20, "the program saw every frame on the wire: " + seen
                + " of " + wellSized);
            assertEquals(valid, steering.stat(SteeringStat.REDIRECTED));
            steering.close();
            aUmem.close();
            bUmem.close();
            assertEquals(0, aUmem.pool().inUse(), aUmem.pool().leakReport());
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }
}
