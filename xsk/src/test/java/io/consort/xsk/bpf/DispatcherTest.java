package io.consort.xsk.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.xsk.XskLibrary;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * With bpffs mounted, {@link XdpSteering#attachShared} attaches through libxdp's dispatcher, so two programs share
 * one interface ({@link XdpSteering#attach} takes the interface alone through a BPF link, which dies with its
 * process; the dispatcher is attached over netlink and does not). libxdp
 * looks for bpffs once per process, so the attach runs in a child JVM started after this test mounted
 * bpffs at /sys/fs/bpf (and unmounts it again when it was not mounted before).
 */
class DispatcherTest {
    /** Child JVM: enters the namespace, attaches two programs, prints whether both use the dispatcher. */
    public static void main(String[] args) throws Exception {
        NetNamespace ns = NetNamespace.existing(args[0]);
        try (NetNamespace.Scope in = ns.enter();
             XdpSteering first = XdpSteering.attachShared(args[1], AttachMode.SKB);
             XdpSteering second = XdpSteering.attachShared(args[1], AttachMode.SKB)) {
            System.out.println("dispatcher " + first.usesDispatcher() + " " + second.usesDispatcher());
        }
    }

    private static String lastLine(String output) {
        return output.lines().filter(l -> l.contains("libxdp:")).reduce((x, y) -> y).orElse(output);
    }

    @Test
    void twoProgramsShareAnInterfaceThroughTheDispatcher() throws Exception {
        Assumptions.assumeTrue(TestNetwork.isRoot(), "needs root to mount bpffs and attach XDP");
        Assumptions.assumeTrue(XskLibrary.isAvailable(), XskLibrary::unavailableReason);
        boolean mountedHere = false;
        if (!Files.readString(Path.of("/proc/mounts")).contains(" /sys/fs/bpf bpf ")) {
            Process mount = new ProcessBuilder(List.of("mount", "-t", "bpf", "bpf", "/sys/fs/bpf"))
                .redirectErrorStream(true).start();
            Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount bpffs at /sys/fs/bpf");
            mountedHere = true;
        }
        try (TestNetwork net = TestNetwork.create()) {
            NetNamespace a = net.namespace("da");
            NetNamespace b = net.namespace("db");
            net.veth(a, "csxda0", "10.77.5.1/24", b, "csxdb0", "10.77.5.2/24");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                DispatcherTest.class.getName(), a.name(), "csxda0")).redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            // Seen on the development VM (kernel 6.18, all capabilities but CAP_SYS_RESOURCE): the kernel refuses
            // the freplace (BPF_PROG_TYPE_EXT) program libxdp's compatibility check loads, with EPERM before the
            // verifier runs, while XDP, kprobe and tracepoint programs load; without freplace, no dispatcher.
            Assumptions.assumeFalse(output.contains("Compatibility check for dispatcher program failed"),
                "libxdp's dispatcher cannot run on this machine: the kernel refuses its freplace (BPF_PROG_TYPE_EXT)"
                    + " programs: " + lastLine(output));
            assertEquals(0, child.exitValue(), output);
            assertTrue(output.contains("dispatcher true true"), output);
        } finally {
            if (mountedHere) {
                new ProcessBuilder(List.of("umount", "/sys/fs/bpf")).start().waitFor();
            }
        }
    }
}
