package io.consort.xsk.bpf;

import io.consort.xsk.netns.CurrentNamespace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What holds an interface's XDP hook when an attach is refused, and the way to free it that really works: a
 * program attached through a BPF link goes when the process holding the link exits; one attached through
 * netlink (libxdp, {@code ip link}, Consort before links) stays until removed with {@code xdpgeneric off} or
 * {@code xdpdrv off} for its mode ({@code ip link set dev IF xdp off} removes only a native-mode program).
 */
final class XdpOccupant {
    private static final String OURS = "consort_steer";
    private static final String DISPATCHER = "xdp_dispatcher";

    private XdpOccupant() {
    }

    /**
     * A sentence on what is attached to {@code ifindex} (in the calling thread's namespace) and what to do about
     * it; null when nothing is attached or it cannot be found out.
     */
    static String describe(int ifindex, String interfaceName) {
        int[] attached = new int[5];
        if (XdpNative.query(ifindex, attached) < 0) {
            return null;
        }
        int generic = attached[1];
        int nativeMode = attached[2];
        int offloaded = attached[3];
        int linkId = attached[4];
        int id = generic != 0 ? generic : nativeMode != 0 ? nativeMode : offloaded;
        if (id == 0) {
            return null;
        }
        String keyword = generic != 0 ? "xdpgeneric" : nativeMode != 0 ? "xdpdrv" : "xdpoffload";
        String mode = generic != 0 ? "generic" : nativeMode != 0 ? "native" : "offload";
        String name = XdpNative.programName(id);
        String what = "XDP program " + (name == null ? "" : name + " ") + "(id " + id + ") is already attached to "
            + interfaceName + " in " + mode + " mode";
        if (linkId != 0) {
            long holder = holderOf(linkId);
            if (holder == ProcessHandle.current().pid()) {
                return what + " by this process (an XdpSteering or XskTransport on it is still open): close it"
                    + " first, or add all the interface's sockets to one XdpSteering";
            }
            if (holder > 0) {
                return what + " through a BPF link held by process " + holder + " (" + command(holder) + "): stop"
                    + " that process (kill " + holder + "); the kernel detaches the program when it exits";
            }
            return what + " through BPF link " + linkId + ", which no process holds open (it is pinned in bpffs):"
                + " remove its pin under /sys/fs/bpf to detach it";
        }
        String origin = OURS.equals(name)
            ? "left by an earlier Consort version or by XdpSteering.attachShared, which attach without a BPF link so"
                + " the program outlives the process that attached it"
            : DISPATCHER.equals(name)
            ? "libxdp's dispatcher (XdpSteering.attachShared or another libxdp user), which outlives the processes"
                + " that attached programs to it"
            : "attached without a BPF link (by ip link, libxdp or another tool), so no process owns it";
        return what + ", " + origin + "; if nothing uses it any more, remove it with: "
            + CurrentNamespace.ip("link set dev " + interfaceName + " " + keyword + " off");
    }

    /** The pid of a process with an fd on BPF link {@code linkId}, or -1 (looked up in /proc; root sees all). */
    private static long holderOf(int linkId) {
        String wanted = "link_id:\t" + linkId + "\n";
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                if (holds(process, wanted)) {
                    return Long.parseLong(process.getFileName().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static boolean holds(Path process, String wanted) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("anon_inode:bpf_link")
                        && Files.readString(process.resolve("fdinfo").resolve(fd.getFileName())).contains(wanted)) {
                        return true;
                    }
                } catch (IOException e) {
                    // Closed meanwhile: go on with the next one.
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process exited or is not ours to read: not the holder as far as we can tell.
        }
        return false;
    }

    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
