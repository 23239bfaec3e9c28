package io.consort.xsk.netns;

import io.consort.xsk.Errno;
import io.consort.xsk.XskLibrary;

/**
 * The network namespace a thread was in when the handle was taken, kept open so that work done later from any
 * thread (closing an XDP program attached by ifindex, which means something only in its namespace) happens
 * there. Close it when done.
 */
public final class NamespaceHandle implements AutoCloseable {
    private int fd;

    private NamespaceHandle(int fd) {
        this.fd = fd;
    }

    /** The calling thread's network namespace. */
    public static NamespaceHandle ofCallingThread() {
        XskLibrary.ensureLoaded();
        return new NamespaceHandle(Errno.check(NetnsNative.current(), "opening the current network namespace"));
    }

    /** Runs {@code work} on the calling thread inside this namespace, then moves the thread back. */
    public void run(Runnable work) {
        if (fd < 0) {
            throw new IllegalStateException("the namespace handle is closed");
        }
        int previous = Errno.check(NetnsNative.current(), "opening the current network namespace");
        int result = NetnsNative.enter("/proc/self/fd/" + fd);
        if (result < 0) {
            NetnsNative.restore(previous);
            throw Errno.failure(-result, "entering the network namespace of an XDP program", null);
        }
        try {
            work.run();
        } finally {
            Errno.check(NetnsNative.restore(previous), "returning to the previous network namespace");
        }
    }

    /** Releases the namespace (the calling thread stays where it is). Idempotent. */
    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        int previous = Errno.check(NetnsNative.current(), "opening the current network namespace");
        NetnsNative.restore(fd);
        fd = -1;
        Errno.check(NetnsNative.restore(previous), "returning to the previous network namespace");
    }
}
