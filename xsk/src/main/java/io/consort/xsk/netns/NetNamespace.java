package io.consort.xsk.netns;

import io.consort.xsk.Errno;
import io.consort.xsk.XskLibrary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A network namespace made by a {@link TestNetwork}; its name starts with {@code csx-}.
 *
 * <p>Java code runs inside it with {@link #enter()}: the calling <em>platform</em> thread moves into the
 * namespace (setns) until the returned scope closes. Sockets, AF_XDP sockets and XDP attachments created
 * meanwhile belong to the namespace and keep working after the thread moves back, so a test can create its
 * endpoints in several namespaces from one thread. Virtual threads must not enter (they hop carriers).
 */
public final class NetNamespace {
    private final String name;
    private boolean deleted;

    NetNamespace(String name) {
        this.name = name;
    }

    /**
     * A namespace another process of this test made (for a child JVM or a tool pointed at it); only
     * {@code csx-} names, so nothing else can be entered by mistake. Deleting it stays with its maker.
     */
    public static NetNamespace existing(String name) {
        if (!name.startsWith("csx-") || name.contains("/")) {
            throw new IllegalArgumentException("not a Consort test namespace: " + name);
        }
        return new NetNamespace(name);
    }

    public String name() {
        return name;
    }

    /** Runs {@code ip -n <this> <args>} and returns its output. */
    public String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(Arrays.asList(args));
        return Command.run(command);
    }

    /** Runs any command inside the namespace ({@code ip netns exec}) and returns its output. */
    public String exec(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(command));
        return Command.run(full);
    }

    /** Runs a command inside the namespace with {@code input} on its stdin (for example {@code nft -f -}). */
    public String execWithInput(String input, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(command));
        return Command.run(full, input);
    }

    /** Moves the calling thread into this namespace until the scope closes. Scopes nest. */
    public Scope enter() {
        if (deleted) {
            throw new IllegalStateException("namespace " + name + " was deleted");
        }
        XskLibrary.ensureLoaded();
        int previous = Errno.check(NetnsNative.current(), "opening the current network namespace");
        int result = NetnsNative.enter("/run/netns/" + name);
        if (result < 0) {
            NetnsNative.restore(previous);
            throw Errno.failure(-result, "entering network namespace " + name, null);
        }
        return new Scope(previous);
    }

    /** Runs {@code work} on the calling thread inside this namespace. */
    public <T> T call(Callable<T> work) throws Exception {
        try (Scope ignored = enter()) {
            return work.call();
        }
    }

    void delete() {
        if (!deleted) {
            deleted = true;
            Command.runQuietly(List.of("ip", "netns", "del", name));
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** The calling thread's stay in a namespace; closing it moves the thread back. */
    public static final class Scope implements AutoCloseable {
        private final Thread thread = Thread.currentThread();
        private int previous;

        Scope(int previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous < 0) {
                return;
            }
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("a namespace scope must be closed by the thread that entered it");
            }
            int fd = previous;
            previous = -1;
            Errno.check(NetnsNative.restore(fd), "returning to the previous network namespace");
        }
    }
}
