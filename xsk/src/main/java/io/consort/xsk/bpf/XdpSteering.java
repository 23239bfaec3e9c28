package io.consort.xsk.bpf;

import io.consort.xsk.Errno;
import io.consort.xsk.XskException;
import io.consort.xsk.XskLibrary;
import io.consort.xsk.XskSocket;
import io.consort.xsk.netns.CurrentNamespace;
import io.consort.xsk.netns.NamespaceHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Consort's XDP program on one interface: UDP/IPv4 frames (VLAN-tagged or not) whose destination port is
 * routed to a group go to that group's AF_XDP sockets on the receiving queue, round-robin when there are
 * several; everything else (ARP, ICMP, other ports, fragments) passes to the kernel untouched.
 *
 * <p>{@link #attach} attaches it through a BPF link that this process owns: the kernel detaches the program when
 * the link's last fd closes, so a process that exits or is killed ({@code kill -9} included) leaves nothing on
 * the interface, and a restart attaches again. A link has the interface's XDP hook to itself.
 * {@link #attachShared} attaches through libxdp instead, which shares the interface with other programs via its
 * dispatcher when bpffs is mounted at {@code /sys/fs/bpf} ({@link #usesDispatcher()}); that attachment is made
 * over netlink and outlives the process, so a killed process leaves it behind.
 * Routes and sockets can change while it runs. Not thread-safe; changes are rare and belong to setup code.
 */
public final class XdpSteering implements AutoCloseable {
    private static final String PROGRAM = "consort_steer";

    private final long program;
    private final String interfaceName;
    private final int ifindex;
    private final AttachMode mode;
    private final int xsks;
    private final int socketCounts;
    private final int portGroups;
    private final int portRange;
    private final int stats;
    private final XskSocket[][][] sockets =
        new XskSocket[SteeringMaps.MAX_GROUPS][SteeringMaps.MAX_QUEUES][];
    private final byte[] key4 = new byte[4];
    private final byte[] key2 = new byte[2];
    private final byte[] value4 = new byte[4];
    private final byte[] value8 = new byte[8];
    private boolean attached;
    /** The fd of the BPF link that holds the attachment; -1 when attached through libxdp or not at all. */
    private int link = -1;
    private NamespaceHandle namespace;
    private boolean closed;

    private XdpSteering(long program, String interfaceName, int ifindex, AttachMode mode) {
        this.program = program;
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.mode = mode;
        this.xsks = mapFd(SteeringMaps.XSKS);
        this.socketCounts = mapFd(SteeringMaps.SOCKET_COUNTS);
        this.portGroups = mapFd(SteeringMaps.PORT_GROUPS);
        this.portRange = mapFd(SteeringMaps.PORT_RANGE);
        this.stats = mapFd(SteeringMaps.STATS);
    }

    /**
     * Loads the program and attaches it to {@code interfaceName} (in the calling thread's network namespace)
     * through a BPF link owned by this process: closing this object, or the end of the process however it ends,
     * detaches it. Fails when anything else is attached to the interface, naming it and how to remove it. It
     * steers nothing until ports are routed and sockets added.
     */
    public static XdpSteering attach(String interfaceName, AttachMode mode) {
        XskLibrary.ensureLoaded();
        int ifindex = interfaceIndex(interfaceName);
        long program = open(true);
        XdpNative.lastLog(); // what loading logged (ELF sections libbpf skips) explains nothing about the attach
        int result = XdpNative.attachLink(program, ifindex, mode.libxdpMode);
        if (result < 0) {
            String log = XdpNative.lastLog();
            XdpNative.close(program);
            throw Errno.failure(-result, "attaching the XDP program to " + interfaceName + " in " + mode
                + " mode through a BPF link", withLog(attachHint(-result, ifindex, interfaceName, mode), log));
        }
        return attached(program, interfaceName, ifindex, mode, result);
    }

    /**
     * Loads the program and attaches it through libxdp: with bpffs mounted at {@code /sys/fs/bpf} (and a kernel
     * that lets libxdp load its dispatcher) beside other XDP programs on the interface, otherwise alone. The
     * attachment is made over netlink and <em>outlives the process</em>: {@link #close()} removes it, but a killed
     * process leaves it attached (the next {@link #attach} names it and the command that removes it). Use
     * {@link #attach} unless the interface must be shared.
     */
    public static XdpSteering attachShared(String interfaceName, AttachMode mode) {
        XskLibrary.ensureLoaded();
        int ifindex = interfaceIndex(interfaceName);
        long program = open(false);
        int result = XdpNative.attach(program, ifindex, mode.libxdpMode);
        if (result < 0) {
            String log = XdpNative.lastLog();
            XdpNative.close(program);
            throw Errno.failure(-result, "attaching the XDP program to " + interfaceName + " in " + mode + " mode",
                withLog(attachHint(-result, ifindex, interfaceName, mode), log));
        }
        XdpSteering steering = attached(program, interfaceName, ifindex, mode, -1);
        steering.namespace = NamespaceHandle.ofCallingThread();
        return steering;
    }

    private static int interfaceIndex(String interfaceName) {
        return Errno.check(XdpNative.interfaceIndex(interfaceName), "looking up interface " + interfaceName,
            CurrentNamespace.noSuchInterface(interfaceName));
    }

    /** Wraps an attached program; detaches and frees it if finding its maps fails. */
    private static XdpSteering attached(long program, String interfaceName, int ifindex, AttachMode mode, int link) {
        XdpSteering steering;
        try {
            steering = new XdpSteering(program, interfaceName, ifindex, mode);
        } catch (RuntimeException e) {
            if (link >= 0) {
                XdpNative.detachLink(link);
            } else {
                XdpNative.detach(program, ifindex, mode.libxdpMode);
            }
            XdpNative.close(program);
            throw e;
        }
        steering.attached = true;
        steering.link = link;
        return steering;
    }

    /** Loads the program without attaching it, to {@link #testRun} frames through it. */
    public static XdpSteering loadDetached() {
        XskLibrary.ensureLoaded();
        long program = open(true);
        try {
            return new XdpSteering(program, null, 0, AttachMode.SKB);
        } catch (RuntimeException e) {
            XdpNative.close(program);
            throw e;
        }
    }

    /** Opens the program from the jar's object file, loading it now or (libxdp) on attach. */
    private static long open(boolean loadNow) {
        long program = XdpNative.open(XskLibrary.xdpObject().toString(), PROGRAM, loadNow);
        if (program < 0) {
            String log = XdpNative.lastLog();
            throw Errno.failure((int) -program, "loading the XDP program",
                withLog(-program == Errno.EPERM ? "not root: loading eBPF needs CAP_BPF and CAP_NET_ADMIN" : null, log));
        }
        return program;
    }

    private static String attachHint(int errno, int ifindex, String interfaceName, AttachMode mode) {
        if (errno == Errno.EEXIST || errno == Errno.EBUSY) {
            String occupant = XdpOccupant.describe(ifindex, interfaceName);
            return occupant != null ? occupant : "another XDP program is attached to " + interfaceName + " (see `"
                + CurrentNamespace.ip("-d link show dev " + interfaceName) + "`, line prog/xdp)";
        }
        if (errno == Errno.EOPNOTSUPP && mode == AttachMode.NATIVE) {
            return "the driver has no native XDP: use AttachMode.SKB";
        }
        if (errno == 34) {
            return "the MTU of " + interfaceName + " is too large for native XDP on this driver: lower it ("
                + CurrentNamespace.ip("link set dev " + interfaceName + " mtu 1500") + ") or use AttachMode.SKB";
        }
        return null;
    }

    /** The hint, with what libxdp or libbpf logged appended; null when there is neither. */
    private static String withLog(String hint, String log) {
        if (log.isBlank()) {
            return hint;
        }
        return (hint == null ? "" : hint + " ") + "[libxdp: " + log.trim() + "]";
    }

    private int mapFd(String name) {
        return Errno.check(XdpNative.mapFd(program, name), "finding map " + name + " in the XDP program");
    }

    /** Sends UDP ports {@code [low, high]} to {@code group} (one range at a time; single ports win over it). */
    public void routePortRange(int low, int high, int group) {
        checkOpen();
        checkPort(low);
        checkPort(high);
        checkGroup(group);
        if (low > high) {
            throw new IllegalArgumentException("empty port range " + low + ".." + high);
        }
        ByteBuffer value = ByteBuffer.wrap(value8).order(ByteOrder.nativeOrder());
        value.putShort(0, (short) low).putShort(2, (short) high).putInt(4, group);
        update(portRange, intKey(0), value8, "setting the port range");
    }

    /** Stops steering the port range; its ports go to the kernel again. */
    public void clearPortRange() {
        checkOpen();
        ByteBuffer.wrap(value8).order(ByteOrder.nativeOrder()).putShort(0, (short) 1).putShort(2, (short) 0)
            .putInt(4, 0);
        update(portRange, intKey(0), value8, "clearing the port range");
    }

    /** Sends UDP port {@code port} to {@code group}. */
    public void routePort(int port, int group) {
        checkOpen();
        checkPort(port);
        checkGroup(group);
        ByteBuffer.wrap(value4).order(ByteOrder.nativeOrder()).putInt(0, group);
        update(portGroups, portKey(port), value4, "routing port " + port
            + " (at most " + SteeringMaps.MAX_PORTS + " single ports)");
    }

    public void unroutePort(int port) {
        checkOpen();
        checkPort(port);
        int result = XdpNative.mapDelete(portGroups, portKey(port));
        if (result < 0 && -result != Errno.ENOENT) {
            throw Errno.failure(-result, "unrouting port " + port, null);
        }
    }

    /**
     * Makes {@code socket} a receiver of {@code group} on its queue; frames of the group arriving on that queue
     * are spread round-robin over its sockets. Returns the socket's slot.
     */
    public int addSocket(int group, XskSocket socket) {
        checkOpen();
        checkGroup(group);
        int queue = socket.queue();
        if (queue >= SteeringMaps.MAX_QUEUES) {
            throw new IllegalArgumentException("queue " + queue + " is beyond the " + SteeringMaps.MAX_QUEUES
                + " queues the program supports");
        }
        XskSocket[] slots = sockets[group][queue];
        int count = slots == null ? 0 : slots.length;
        if (count == SteeringMaps.MAX_SOCKETS) {
            throw new IllegalStateException("group " + group + " already has " + count + " sockets on queue " + queue);
        }
        for (int i = 0; i < count; i++) {
            if (slots[i] == socket) {
                return i;
            }
        }
        setXsk(SteeringMaps.xskKey(group, queue, count), socket.fd());
        setCount(group, queue, count + 1);
        XskSocket[] grown = new XskSocket[count + 1];
        if (slots != null) {
            System.arraycopy(slots, 0, grown, 0, count);
        }
        grown[count] = socket;
        sockets[group][queue] = grown;
        return count;
    }

    /** Stops steering to {@code socket}; the group's other sockets on the queue keep receiving. */
    public void removeSocket(int group, XskSocket socket) {
        checkOpen();
        checkGroup(group);
        int queue = socket.queue();
        XskSocket[] slots = sockets[group][queue];
        int index = -1;
        for (int i = 0; slots != null && i < slots.length; i++) {
            if (slots[i] == socket) {
                index = i;
            }
        }
        if (index < 0) {
            return;
        }
        int last = slots.length - 1;
        // Shrink the count first so the program never picks the slot being rewritten.
        setCount(group, queue, last);
        if (index != last) {
            setXsk(SteeringMaps.xskKey(group, queue, index), slots[last].fd());
        }
        XdpNative.mapDelete(xsks, intKey(SteeringMaps.xskKey(group, queue, last)));
        XskSocket[] shrunk = new XskSocket[last];
        System.arraycopy(slots, 0, shrunk, 0, last);
        if (index != last) {
            shrunk[index] = slots[last];
        }
        sockets[group][queue] = last == 0 ? null : shrunk;
    }

    /** Runs the program once on a frame, without a network (BPF_PROG_TEST_RUN, queue 0). */
    public XdpVerdict testRun(byte[] frame, int length) {
        checkOpen();
        if (length < 0 || length > frame.length) {
            throw new IllegalArgumentException("length " + length + " outside the frame of " + frame.length);
        }
        int result = XdpNative.testRun(program, frame, length);
        if (result < 0) {
            throw Errno.failure(-result, "test-running the XDP program on " + length + " bytes", null);
        }
        return XdpVerdict.of(result);
    }

    /** The program's counter {@code stat}, summed over all CPUs since load. */
    public long stat(SteeringStat stat) {
        checkOpen();
        long sum = XdpNative.perCpuSum(stats, stat.ordinal());
        if (sum < 0) {
            throw Errno.failure((int) -sum, "reading the XDP program's counter " + stat, null);
        }
        return sum;
    }

    /** True when attached by {@link #attachShared} through libxdp's multi-program dispatcher (bpffs mounted). */
    public boolean usesDispatcher() {
        checkOpen();
        if (!attached || link >= 0) {
            return false;
        }
        return Errno.check(XdpNative.usesDispatcher(ifindex), "querying the XDP programs of " + interfaceName) == 1;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public AttachMode mode() {
        return mode;
    }

    private void setXsk(int key, int fd) {
        ByteBuffer.wrap(value4).order(ByteOrder.nativeOrder()).putInt(0, fd);
        update(xsks, intKey(key), value4, "adding a socket to the XSKMAP");
    }

    private void setCount(int group, int queue, int count) {
        ByteBuffer.wrap(value4).order(ByteOrder.nativeOrder()).putInt(0, count);
        update(socketCounts, intKey(SteeringMaps.queueKey(group, queue)), value4, "setting the socket count");
    }

    private void update(int fd, byte[] key, byte[] value, String what) {
        Errno.check(XdpNative.mapUpdate(fd, key, value), what);
    }

    private byte[] intKey(int key) {
        ByteBuffer.wrap(key4).order(ByteOrder.nativeOrder()).putInt(0, key);
        return key4;
    }

    private byte[] portKey(int port) {
        ByteBuffer.wrap(key2).order(ByteOrder.nativeOrder()).putShort(0, (short) port);
        return key2;
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("UDP port must be 1..65535, was " + port);
        }
    }

    private static void checkGroup(int group) {
        if (group < 0 || group >= SteeringMaps.MAX_GROUPS) {
            throw new IllegalArgumentException("group must be 0.." + (SteeringMaps.MAX_GROUPS - 1) + ", was " + group);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("XDP program" + (interfaceName == null ? "" : " on " + interfaceName)
                + " is closed");
        }
    }

    /** True when attached through a BPF link ({@link #attach}), which the kernel removes when this process ends. */
    public boolean isLinked() {
        return link >= 0;
    }

    /**
     * Detaches the program (when attached) and frees it and its maps. Idempotent. Any thread may close it: a
     * link detaches wherever it is closed, and a libxdp attachment is removed in the network namespace it was
     * made in.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int[] result = {0};
        String[] removal = {null};
        if (attached && link >= 0) {
            result[0] = XdpNative.detachLink(link);
            link = -1;
        } else if (attached) {
            namespace.run(() -> {
                result[0] = XdpNative.detach(program, ifindex, mode.libxdpMode);
                removal[0] = CurrentNamespace.ip("link set dev " + interfaceName
                    + (mode == AttachMode.SKB ? " xdpgeneric" : " xdpdrv") + " off");
            });
            namespace.close();
        }
        attached = false;
        XdpNative.close(program);
        if (result[0] < 0 && -result[0] != Errno.ENOENT && -result[0] != Errno.ENODEV) {
            throw new XskException("detaching the XDP program from " + interfaceName + " failed with errno "
                + -result[0] + (removal[0] == null ? " (its link is closed, so the kernel detaches it once no"
                + " process holds the link)" : "; remove it with: " + removal[0]), -result[0]);
        }
    }
}
