package io.consort.xsk.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Network namespaces, veth pairs and Linux bridges for tests and benchmarks, built with {@code ip} and always
 * removed: on {@link #close()}, and by a shutdown hook if the JVM exits first. Everything lives inside the
 * namespaces made here: namespaces are named {@code csx-<pid>-<n>-<label>}, interfaces start with {@code csx},
 * and addresses must be in 10.77.0.0/16, so nothing touches the host's own network.
 *
 * <pre>{@code
 * try (TestNetwork net = TestNetwork.create()) {
 *     NetNamespace a = net.namespace("a"), b = net.namespace("b");
 *     net.veth(a, "csxa0", "10.77.1.1/24", b, "csxb0", "10.77.1.2/24");
 *     try (NetNamespace.Scope in = a.enter()) { ... sockets made here live in a ... }
 * }
 * }</pre>
 * Deleting a namespace deletes the veth ends and bridges in it, so namespaces are all there is to clean.
 */
public final class TestNetwork implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final String PREFIX = "csx-";

    private final String prefix;
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final Thread hook;
    private boolean closed;

    private TestNetwork(String prefix) {
        this.prefix = prefix;
        this.hook = new Thread(this::deleteAll, "csx-netns-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True when running as root, which namespaces, veth and AF_XDP need. */
    public static boolean isRoot() {
        try {
            return "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A new, empty network; removes namespaces left behind by dead JVMs first. */
    public static TestNetwork create() {
        if (!isRoot()) {
            throw new IllegalStateException("network namespaces need root");
        }
        removeStale();
        return new TestNetwork(PREFIX + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet() + "-");
    }

    /** A new namespace with its loopback up. */
    public synchronized NetNamespace namespace(String label) {
        checkOpen();
        NetNamespace ns = new NetNamespace(prefix + label);
        Command.run(List.of("ip", "netns", "add", ns.name()));
        namespaces.add(ns);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /**
     * A veth pair from {@code a} to {@code b}, both ends up with their addresses (CIDR in 10.77.0.0/16, or
     * null for none). The ends are created directly inside the namespaces.
     */
    public void veth(NetNamespace a, String ifA, String cidrA, NetNamespace b, String ifB, String cidrB) {
        checkOpen();
        checkInterface(ifA);
        checkInterface(ifB);
        Command.run(List.of("ip", "link", "add", ifA, "netns", a.name(), "type", "veth", "peer", "name", ifB,
            "netns", b.name()));
        configure(a, ifA, cidrA);
        configure(b, ifB, cidrB);
    }

    /** A Linux bridge {@code name} inside {@code host}, up, with multicast snooping off (flood to all). */
    public void bridge(NetNamespace host, String name) {
        checkOpen();
        checkInterface(name);
        host.ip("link", "add", name, "type", "bridge", "mcast_snooping", "0");
        host.ip("link", "set", name, "up");
    }

    /** Joins {@code member} to the bridge in {@code host} through a veth: {@code ifMember} in the member. */
    public void bridgePort(NetNamespace host, String bridge, String port, NetNamespace member, String ifMember,
                           String cidr) {
        veth(host, port, null, member, ifMember, cidr);
        host.ip("link", "set", port, "master", bridge);
    }

    /**
     * Turns on GRO on a veth end: frames redirected into a veth (AF_XDP tx, XDP_TX) reach the stack on the
     * other end only when it has GRO or an XDP program.
     */
    public void enableGro(NetNamespace ns, String ifname) {
        ns.exec("ethtool", "-K", ifname, "gro", "on");
    }

    private static void configure(NetNamespace ns, String ifname, String cidr) {
        if (cidr != null) {
            checkAddress(cidr);
            ns.ip("addr", "add", cidr, "dev", ifname);
        }
        ns.ip("link", "set", ifname, "up");
    }

    private static void checkInterface(String name) {
        if (!name.startsWith("csx") || name.length() > 15) {
            throw new IllegalArgumentException("test interface names start with csx and have at most 15 characters: "
                + name);
        }
    }

    private static void checkAddress(String cidr) {
        if (!cidr.startsWith("10.77.")) {
            throw new IllegalArgumentException("test addresses must be in 10.77.0.0/16, was " + cidr);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("test network is closed");
        }
    }

    /** Deletes every namespace made here (and with them their veths and bridges). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it finds nothing left to delete.
        }
    }

    private synchronized void deleteAll() {
        closed = true;
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            namespaces.get(i).delete();
        }
        namespaces.clear();
    }

    /** Deletes {@code csx-<pid>-…} namespaces whose JVM is gone (killed before its hook ran). */
    public static void removeStale() {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).forEach(name -> {
                String[] parts = name.split("-");
                if (parts.length > 2 && isDead(parts[1])) {
                    Command.runQuietly(List.of("ip", "netns", "del", name));
                }
            });
        } catch (IOException e) {
            // Nothing to clean if the directory cannot be read.
        }
    }

    private static boolean isDead(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
