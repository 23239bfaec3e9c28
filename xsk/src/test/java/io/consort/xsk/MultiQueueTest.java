package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.SteeringStat;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One AF_XDP socket per queue of a two-queue veth, all over one UMEM (each queue with its own fill and
 * completion rings). Kernel UDP senders pinned to CPU 0 and CPU 1 in the peer namespace spread packets over
 * both queues; every packet must arrive exactly once, and both queues must receive some.
 */
class MultiQueueTest {
    private static final int PORT = 9300;
    private static final int PER_SENDER = 300;

    @Test
    void oneSocketPerQueueReceivesEveryPacketOnce() throws Exception {
        assumePinnedSenders();
        try (VethPair net = twoQueueNetwork()) {

            Umem umem;
            XskSocket[] sockets = new XskSocket[2];
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                umem = Umem.allocate(twoQueueUmem());
                for (int q = 0; q < 2; q++) {
                    sockets[q] = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, q).bindMode(BindMode.COPY));
                }
                steering = XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE);
                steering.routePort(PORT, 0);
                steering.addSocket(0, sockets[0]);
                steering.addSocket(0, sockets[1]);
            }
            FramePool pool = umem.pool();
            assertEquals(0, sockets[0].queue());
            assertEquals(1, sockets[1].queue());
            assertNotSame(sockets[0].fill(), sockets[1].fill(), "each queue has its own fill ring");
            assertNotSame(sockets[0].completion(), sockets[1].completion(), "each queue has its own completion ring");
            for (XskSocket socket : sockets) {
                assertEquals(2048, socket.fill().outstanding(), "fill ring of queue " + socket.queue() + " topped up");
            }
            assertEquals(2 * 2048, umem.framesInKernel());

            Map<String, Integer> seenBy = new HashMap<>();
            int[] perQueue = new int[2];
            sendPinned(net.b, List.of(0, 1), "r1");
            drain(pool, sockets, seenBy, perQueue, 2 * PER_SENDER);
            assertEveryPacketOnce(seenBy, List.of(0, 1), "r1");
            assertEquals(2 * PER_SENDER, perQueue[0] + perQueue[1]);
            assertTrue(perQueue[0] > 0 && perQueue[1] > 0,
                "both queues received packets: queue 0 got " + perQueue[0] + ", queue 1 got " + perQueue[1]);
            assertEquals(2 * PER_SENDER, steering.stat(SteeringStat.REDIRECTED));
            assertEquals(0, steering.stat(SteeringStat.NO_SOCKET));
            for (XskSocket socket : sockets) {
                XskStatistics stats = socket.statistics(new XskStatistics());
                assertEquals(0, stats.rxDropped(), "queue " + socket.queue() + " dropped nothing");
                assertEquals(perQueue[socket.queue()], socket.counters().rxPackets());
            }

            // Replace the queue-1 socket, several times: its pair is torn down with it, its frames come back to
            // the pool, and the new one gets a fresh pair, while queue 0 keeps working on the original one. The
            // pool has room for three fill rings, so frames lost per cycle would run it dry by the third.
            steering.removeSocket(0, sockets[1]);
            for (int cycle = 0; cycle < 5; cycle++) {
                sockets[1].close();
                assertEquals(2048, umem.framesInKernel(), "queue 1's frames are back after cycle " + cycle);
                assertEquals(2048, pool.inUse(), "only queue 0's fill ring holds frames: " + pool.leakReport());
                try (NetNamespace.Scope in = net.a.enter()) {
                    sockets[1] = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 1).bindMode(BindMode.COPY));
                }
                assertEquals(2048, sockets[1].fill().outstanding(), "the new queue-1 pair is filled in cycle " + cycle);
            }
            steering.addSocket(0, sockets[1]);
            assertNotSame(sockets[0].fill(), sockets[1].fill());
            int[] before = perQueue.clone();
            seenBy.clear();
            sendPinned(net.b, List.of(0, 1), "r2");
            drain(pool, sockets, seenBy, perQueue, 2 * PER_SENDER);
            assertEveryPacketOnce(seenBy, List.of(0, 1), "r2");
            assertTrue(perQueue[1] > before[1], "the new queue-1 socket receives: " + (perQueue[1] - before[1]));
            assertTrue(perQueue[0] > before[0], "queue 0 still receives: " + (perQueue[0] - before[0]));

            steering.close();
            umem.close();
            assertTrue(sockets[0].isClosed() && sockets[1].isClosed(), "UMEM close closes its sockets");
            assertEquals(0, umem.framesInKernel());
            assertEquals(0, pool.inUse(), pool.leakReport());
        }
    }

    /**
     * Two sockets on each queue of one UMEM: sockets of a queue share its pair, on the UMEM's first queue
     * (bound by libxdp) and on the other one (bound by Consort's own C, which libxdp cannot do). The sockets that
     * brought each pair close first; the pairs live on with the others, which still receive every packet once.
     */
    @Test
    void severalSocketsOnEveryQueueShareThatQueuesPair() throws Exception {
        assumePinnedSenders();
        try (VethPair net = twoQueueNetwork()) {
            Umem umem;
            XskSocket[] sockets = new XskSocket[2];
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                umem = Umem.allocate(twoQueueUmem());
                XskSocket q0 = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
                XskSocket q1 = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 1));
                sockets[0] = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
                sockets[1] = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 1));
                assertSame(q0.fill(), sockets[0].fill(), "sockets on one queue share its fill ring");
                assertSame(q0.completion(), sockets[0].completion());
                assertSame(q1.fill(), sockets[1].fill(), "also on a queue other than the UMEM's first");
                assertSame(q1.completion(), sockets[1].completion());
                assertNotSame(q0.fill(), q1.fill());
                assertEquals(2 * 2048, umem.framesInKernel(), "one full fill ring per queue, not per socket");
                q0.close();
                q1.close();
                steering = XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE);
                steering.routePort(PORT, 0);
                steering.addSocket(0, sockets[0]);
                steering.addSocket(0, sockets[1]);
            }
            for (XskSocket socket : sockets) {
                assertEquals(2048, socket.fill().outstanding(), "the pair of queue " + socket.queue() + " outlives "
                    + "the socket that brought it");
            }
            Map<String, Integer> seenBy = new HashMap<>();
            int[] perQueue = new int[2];
            sendPinned(net.b, List.of(0, 1), "s1");
            drain(umem.pool(), sockets, seenBy, perQueue, 2 * PER_SENDER);
            assertEveryPacketOnce(seenBy, List.of(0, 1), "s1");
            assertTrue(perQueue[0] > 0 && perQueue[1] > 0,
                "both queues received packets: queue 0 got " + perQueue[0] + ", queue 1 got " + perQueue[1]);
            steering.close();
            umem.close();
            assertTrue(sockets[0].isClosed() && sockets[1].isClosed());
            assertEquals(0, umem.framesInKernel());
            assertEquals(0, umem.pool().inUse(), umem.pool().leakReport());
        }
    }

    /**
     * Room on the RECEIVE account for two full fill rings: by default a pool gives RECEIVE under half its
     * frames, which one 4096-entry fill ring per queue would already exceed.
     */
    static UmemConfig twoQueueUmem() {
        return new UmemConfig()
            .framePool(new FramePoolConfig().frameSize(2048).frameCount(8192).receiveLimit(6144).sendLimit(1024))
            .fillRingSize(2048).completionRingSize(2048);
    }

    /** A veth pair with two active queues on each side, the sender's tx queue following its CPU. */
    private static VethPair twoQueueNetwork() {
        VethPair net = VethPair.create();
        try {
            twoQueues(net.a, VethPair.A_IF);
            twoQueues(net.b, VethPair.B_IF);
            followSendingCpu(net.b);
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private static void twoQueues(NetNamespace ns, String ifname) {
        try {
            ns.exec("ethtool", "-L", ifname, "rx", "2", "tx", "2");
        } catch (IllegalStateException e) {
            Assumptions.abort("the kernel refuses two queues on veth " + ifname + ": " + e.getMessage());
        }
        String channels = ns.exec("ethtool", "-l", ifname);
        String current = channels.substring(channels.indexOf("Current hardware settings"));
        Assumptions.assumeTrue(current.matches("(?s).*RX:\\s+2\\b.*"), () -> ifname + " did not get 2 rx queues: "
            + current);
    }

    private static void assumePinnedSenders() {
        VethPair.assumeUsable();
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
            "needs two CPUs: veth maps the sending CPU to a queue");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset")),
            "needs taskset (util-linux) to pin the senders to CPUs");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
            "needs bash (its /dev/udp redirection is the sender)");
    }

    /**
     * Makes the sender's tx queue (and so the receiver's rx queue) follow the sending CPU, as on real multi-queue
     * NICs; without XPS veth hashes the flow, which spreads over both queues too.
     */
    private static void followSendingCpu(NetNamespace ns) {
        bestEffort(ns, "echo 1 > /sys/class/net/" + VethPair.B_IF + "/queues/tx-0/xps_cpus");
        bestEffort(ns, "echo 2 > /sys/class/net/" + VethPair.B_IF + "/queues/tx-1/xps_cpus");
    }

    private static void bestEffort(NetNamespace ns, String script) {
        try {
            ns.exec("sh", "-c", script);
        } catch (IllegalStateException ignored) {
            // XPS is a refinement: without it veth picks the tx queue by flow hash.
        }
    }

    /**
     * One sender process per CPU in {@code ns}, each pinned with taskset, each datagram from a new kernel UDP
     * socket (bash's /dev/udp), so both the sending CPU and the flow vary. Payload {@code "<tag> <cpu> <i>"}.
     */
    private static void sendPinned(NetNamespace ns, List<Integer> cpus, String tag) throws Exception {
        List<Process> senders = new ArrayList<>();
        for (int cpu : cpus) {
            String script = "for i in $(seq 0 " + (PER_SENDER - 1) + "); do printf '" + tag + " " + cpu
                + " %d' $i > /dev/udp/10.77.1.1/" + PORT + " || exit 1; done";
            senders.add(new ProcessBuilder("ip", "netns", "exec", ns.name(), "taskset", "-c", Integer.toString(cpu),
                "bash", "-c", script).redirectErrorStream(true).start());
        }
        for (Process sender : senders) {
            byte[] output = sender.getInputStream().readAllBytes();
            if (!sender.waitFor(60, TimeUnit.SECONDS)) {
                sender.destroyForcibly();
                fail("sender did not finish: " + new String(output, StandardCharsets.UTF_8));
            }
            assertEquals(0, sender.exitValue(), () -> "sender failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static void drain(FramePool pool, XskSocket[] sockets, Map<String, Integer> seenBy, int[] perQueue,
                              int expected) throws IOException {
        int[] offsets = new int[64];
        int[] lengths = new int[64];
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received < expected && System.nanoTime() < deadline) {
            int round = 0;
            for (XskSocket socket : sockets) {
                int n = socket.receive(offsets, lengths, offsets.length);
                for (int i = 0; i < n; i++) {
                    String text = TransmitReceiveTest.payload(pool.buffer(), offsets[i], lengths[i]);
                    Integer earlier = seenBy.put(text, socket.queue());
                    if (earlier != null) {
                        fail("'" + text + "' received twice: on queue " + earlier + " and on queue " + socket.queue());
                    }
                    pool.release(pool.frameOf(offsets[i]));
                }
                perQueue[socket.queue()] += n;
                round += n;
            }
            received += round;
            if (round == 0) {
                sockets[0].awaitReceive(10);
            }
        }
        // Anything late would be a duplicate or a stray: give it a moment to show up.
        long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < grace) {
            for (XskSocket socket : sockets) {
                int n = socket.receive(offsets, lengths, offsets.length);
                for (int i = 0; i < n; i++) {
                    String text = TransmitReceiveTest.payload(pool.buffer(), offsets[i], lengths[i]);
                    pool.release(pool.frameOf(offsets[i]));
                    fail("unexpected extra packet '" + text + "' on queue " + socket.queue());
                }
            }
        }
    }

    private static void assertEveryPacketOnce(Map<String, Integer> seenBy, List<Integer> cpus, String tag) {
        List<String> missing = new ArrayList<>();
        for (int cpu : cpus) {
            for (int i = 0; i < PER_SENDER; i++) {
                String text = tag + " " + cpu + " " + i;
                if (!seenBy.containsKey(text)) {
                    missing.add(text);
                }
            }
        }
        assertTrue(missing.isEmpty(), () -> missing.size() + " packets never arrived, e.g. " + missing.subList(0,
            Math.min(5, missing.size())));
        assertEquals(cpus.size() * PER_SENDER, seenBy.size(), "no stray packets: " + seenBy.keySet());
    }
}
