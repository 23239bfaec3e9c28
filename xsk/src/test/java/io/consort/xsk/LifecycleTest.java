package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.ring.FillRing;
import io.consort.xsk.ring.RxRing;
import org.junit.jupiter.api.Test;

/** Close order, use after close, frame accounting, and the error messages users see. */
class LifecycleTest {
    @Test
    void useAfterCloseThrowsInsteadOfCrashing() throws Exception {
        try (VethPair net = VethPair.create(); NetNamespace.Scope in = net.a.enter()) {
            Umem umem = Umem.allocate(TransmitReceiveTest.smallUmem());
            XskSocket socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
            RxRing rx = socket.rx();
            FillRing fill = socket.fill();
            XdpSteering steering = XdpSteering.attach(VethPair.A_IF, AttachMode.SKB);
            socket.close();
            socket.close();
            assertThrows(IllegalStateException.class, () -> socket.receive(new int[4], new int[4], 4));
            assertThrows(IllegalStateException.class, () -> socket.send(new int[1], new int[1], 1));
            assertThrows(IllegalStateException.class, socket::fd);
            assertThrows(IllegalStateException.class, () -> socket.statistics(new XskStatistics()));
            assertThrows(IllegalStateException.class, () -> rx.peek(1));
            assertThrows(IllegalStateException.class, () -> fill.reserve(1));
            assertThrows(IllegalStateException.class, () -> steering.addSocket(0, socket));
            steering.close();
            steering.close();
            assertThrows(IllegalStateException.class, () -> steering.routePort(1, 0));
            umem.close();
            umem.close();
            assertThrows(IllegalStateException.class,
                () -> XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0)));
            assertEquals(0, umem.pool().inUse(), umem.pool().leakReport());
        }
    }

    @Test
    void closingTheUmemClosesItsSocketsAndReturnsEveryFrame() throws Exception {
        try (VethPair net = VethPair.create(); NetNamespace.Scope in = net.a.enter()) {
            Umem umem = Umem.allocate(TransmitReceiveTest.smallUmem());
            FramePool pool = umem.pool();
            XskSocket first = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
            XskSocket second = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
            assertTrue(pool.inUse() > 0, "the fill ring holds frames");
            assertEquals(pool.inUse(), umem.framesInKernel());
            assertTrue(first.fill() == second.fill(), "sockets on one queue share the fill ring");
            umem.close();
            assertTrue(first.isClosed() && second.isClosed());
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }

    @Test
    void umemOverACallersPoolLeavesThePoolOpenAndFull() throws Exception {
        try (VethPair net = VethPair.create(); NetNamespace.Scope in = net.a.enter();
             FramePool pool = FramePool.allocate(new FramePoolConfig().frameSize(4096).frameCount(1024))) {
            Umem umem = Umem.over(pool, new UmemConfig().fillRingSize(256).completionRingSize(256));
            XskSocket socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
            assertEquals(256, pool.inUse());
            socket.close();
            umem.close();
            assertEquals(0, pool.inUse(), pool.leakReport());
            pool.buffer().putLong(0, 42);
        }
    }

    @Test
    void errorsSayWhatIsWrongAndWhatToDo() throws Exception {
        try (VethPair net = VethPair.create(); NetNamespace.Scope in = net.a.enter()) {
            try (Umem umem = Umem.allocate(TransmitReceiveTest.smallUmem())) {
                IllegalArgumentException noQueue = assertThrows(IllegalArgumentException.class,
                    () -> XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 3)));
                assertTrue(noQueue.getMessage().contains("interface csxa0 has no queue 3"), noQueue.getMessage());

                XskException noInterface = assertThrows(XskException.class,
                    () -> XskSocket.open(umem, new XskSocketConfig("csxnothere", 0)));
                assertTrue(noInterface.getMessage().contains("no interface csxnothere"), noInterface.getMessage());

                XskException zeroCopy = assertThrows(XskException.class, () -> XskSocket.open(umem,
                    new XskSocketConfig(VethPair.A_IF, 0).bindMode(BindMode.ZERO_COPY)));
                assertEquals(Errno.EOPNOTSUPP, zeroCopy.errno());
                assertTrue(zeroCopy.getMessage().contains("no zero-copy"), zeroCopy.getMessage());

                try (XskSocket socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0))) {
                    assertTrue(!socket.isZeroCopy(), "veth binds in copy mode");
                }
                assertEquals(0, umem.pool().inUse() - umem.framesInKernel());
            }
            // A BPF link holds the interface alone, bpffs or not; the error says who holds it.
            try (XdpSteering first = XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE)) {
                XskException twice = assertThrows(XskException.class,
                    () -> XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE));
                assertTrue(twice.getMessage().contains("already attached to csxa0 in native mode by this process"),
                    twice.getMessage());
                XskException otherMode = assertThrows(XskException.class,
                    () -> XdpSteering.attach(VethPair.A_IF, AttachMode.SKB));
                assertTrue(otherMode.getMessage().contains("already attached to csxa0 in native mode"),
                    otherMode.getMessage());
            }
            XskException down = assertThrows(XskException.class, () -> {
                net.a.ip("link", "set", VethPair.A_IF, "down");
                try (Umem umem = Umem.allocate(TransmitReceiveTest.smallUmem())) {
                    XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
                }
            });
            assertTrue(down.getMessage().contains("csxa0 is down: bring it up with ip -n " + net.a.name()
                + " link set dev csxa0 up"), down.getMessage());
        }
    }
}
