package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An AF_XDP process killed with SIGKILL leaves nothing attached: a child JVM attaches the steering program to a
 * veth in a test namespace and binds a socket, is killed, and the interface is free again (seen by
 * {@code ip -d link show}) for a new attach on the same queue. Also: the way older versions attached (netlink,
 * here {@link XdpSteering#attachShared}) does outlive a kill, and the command the next attach's error names does
 * remove it.
 */
class KilledProcessTest {
    private static final Pattern XDP_ATTACHED = Pattern.compile("prog/xdp|\\bxdp(generic|drv|offload)?\\b");
    private static final int PORT = 7400;
    private static final long CHILD_START_SECONDS = 60;
    private static final long DETACH_BOUND_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Child JVM: in namespace args[0], attaches to interface args[1] ("link" or "shared" in args[2]), waits. */
    public static void main(String[] args) throws Exception {
        NetNamespace ns = NetNamespace.existing(args[0]);
        try (NetNamespace.Scope in = ns.enter()) {
            Umem umem = Umem.allocate(TransmitReceiveTest.smallUmem());
            XskSocket socket = XskSocket.open(umem, new XskSocketConfig(args[1], 0));
            XdpSteering steering = args[2].equals("shared") ? XdpSteering.attachShared(args[1], AttachMode.SKB)
                : XdpSteering.attach(args[1], AttachMode.SKB);
            steering.routePort(PORT, 0);
            steering.addSocket(0, socket);
        }
        System.out.println("ready");
        System.out.flush();
        // Wait for the kill; should the test JVM die first, stdin closes and this child ends too.
        while (System.in.read() >= 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aKilledProcessLeavesNothingAttachedAndARestartAttaches() throws Exception {
        try (VethPair net = VethPair.create()) {
            Process child = start(net.a, VethPair.A_IF, "link");
            try {
                awaitReady(child);
                assertTrue(xdpAttached(net.a, VethPair.A_IF), "the child attached: " + linkShow(net.a));
                try (NetNamespace.Scope in = net.a.enter()) {
                    XskException busy = assertThrows(XskException.class,
                        () -> XdpSteering.attach(VethPair.A_IF, AttachMode.SKB));
                    assertTrue(busy.getMessage().contains("held by process " + child.pid()), busy.getMessage());
                    assertTrue(busy.getMessage().contains("kill " + child.pid()), busy.getMessage());
                }
                child.destroyForcibly();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child died of SIGKILL");
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
            } finally {
                child.destroyForcibly();
            }
            long deadline = System.nanoTime() + DETACH_BOUND_NANOS;
            while (xdpAttached(net.a, VethPair.A_IF) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(xdpAttached(net.a, VethPair.A_IF), "still attached after the kill: " + linkShow(net.a));
            assertRestartAttaches(net);
        }
    }

    @Test
    void aNetlinkAttachmentOutlivesItsProcessAndTheNamedCommandRemovesIt() throws Exception {
        try (VethPair net = VethPair.create()) {
            Process child = start(net.a, VethPair.A_IF, "shared");
            try {
                awaitReady(child);
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child died of SIGKILL");
            }
            Thread.sleep(200);
            assertTrue(xdpAttached(net.a, VethPair.A_IF), "a netlink attachment stays: " + linkShow(net.a));
            String message;
            try (NetNamespace.Scope in = net.a.enter()) {
                message = assertThrows(XskException.class, () -> XdpSteering.attach(VethPair.A_IF, AttachMode.SKB))
                    .getMessage();
            }
            assertTrue(message.contains("consort_steer"), message);
            String marker = "remove it with: ";
            assertTrue(message.contains(marker), message);
            String command = message.substring(message.indexOf(marker) + marker.length()).split(" \\[", 2)[0];
            assertEquals("ip -n " + net.a.name() + " link set dev " + VethPair.A_IF + " xdpgeneric off", command);
            run(command.split(" "));
            assertFalse(xdpAttached(net.a, VethPair.A_IF), "the named command removed it: " + linkShow(net.a));
            assertRestartAttaches(net);
        }
    }

    /** A new attach and a socket on the queue the killed process used both succeed, and close detaches. */
    private static void assertRestartAttaches(VethPair net) throws Exception {
        try (NetNamespace.Scope in = net.a.enter(); Umem umem = Umem.allocate(TransmitReceiveTest.smallUmem())) {
            XskSocket socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0));
            try (XdpSteering steering = XdpSteering.attach(VethPair.A_IF, AttachMode.SKB)) {
                assertTrue(steering.isLinked());
                steering.routePort(PORT, 0);
                steering.addSocket(0, socket);
                assertTrue(xdpAttached(net.a, VethPair.A_IF));
            }
            assertFalse(xdpAttached(net.a, VethPair.A_IF), "close detached: " + linkShow(net.a));
        }
    }

    private static Process start(NetNamespace ns, String ifname, String how) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.addAll(Arrays.asList("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(KilledProcessTest.class.getName(), ns.name(), ifname, how));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the child's output until it says "ready" (bounded); fails with what it printed otherwise. */
    private static void awaitReady(Process child) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8));
        StringBuffer output = new StringBuffer();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.equals("ready")) {
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        boolean said;
        try {
            said = ready.get(CHILD_START_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            said = false;
        }
        assertTrue(said, "the child did not get ready: " + output);
    }

    private static String linkShow(NetNamespace ns) {
        return ns.ip("-d", "link", "show", "dev", VethPair.A_IF);
    }

    private static boolean xdpAttached(NetNamespace ns, String ifname) {
        return XDP_ATTACHED.matcher(ns.ip("-d", "link", "show", "dev", ifname)).find();
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }
}
