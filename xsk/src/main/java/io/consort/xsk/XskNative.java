package io.consort.xsk;

/**
 * The JNI entry points for UMEMs and sockets. Only setup, teardown and the few per-batch system calls
 * (kick, wakeup, poll, statistics) cross into C; ring traffic never does. Functions return a negative errno
 * on failure and never throw, so that the Java side composes one kind of error message.
 */
final class XskNative {
    /** Longs per ring in the {@code rings} out-arrays: producer, consumer, flags, descriptors, size. */
    static final int RING_LONGS = 5;

    private XskNative() {
    }

    static native String strerror(int errno);

    /** mmaps {@code length} bytes (anonymous, populated, optionally huge pages); returns the address or -errno. */
    static native long mapMemory(long length, boolean hugePages);

    static native int unmapMemory(long address, long length);

    /**
     * Registers {@code [area, area+length)} as a UMEM; fills {@code rings[0..10)} with the fill then
     * completion ring. Returns the native handle, or -errno.
     */
    static native long umemCreate(long area, long length, int frameSize, int kernelHeadroom, int fillSize,
                                  int completionSize, long[] rings);

    /** Frees the UMEM; -EBUSY while sockets still use it. */
    static native int umemDelete(long umem);

    /**
     * Creates and binds a socket on the UMEM; {@code peerFd} is an open socket of the same UMEM on the same
     * queue, or -1. Fills {@code rings[0..20)} with rx, tx, fill, completion and {@code info} with fd, ifindex,
     * fill/completion pair slot, 1 when this socket created that pair, and 1 when Consort's C (not libxdp) bound
     * it. Returns the native handle, or -errno.
     */
    static native long socketCreate(long umem, String interfaceName, int queue, int rxSize, int txSize,
                                    int bindFlags, int peerFd, long[] rings, int[] info);

    static native void socketDelete(long umem, long socket);

    /** Starts transmission: {@code sendto(fd, NULL, 0, MSG_DONTWAIT)}. 0 or -errno. */
    static native int kick(int fd);

    /** Lets the kernel refill from the fill ring: {@code recvfrom(fd, NULL, 0, MSG_DONTWAIT)}. 0 or -errno. */
    static native int wakeup(int fd);

    /** {@code poll} for {@code events} (POLLIN=1, POLLOUT=4); returns revents, 0 on timeout, or -errno. */
    static native int poll(int fd, int events, int timeoutMillis);

    /** Reads {@code XDP_STATISTICS} into six longs. 0 or -errno. */
    static native int statistics(int fd, long[] out);

    /** 1 when bound in zero-copy mode ({@code XDP_OPTIONS}), 0 for copy, or -errno. */
    static native int zeroCopy(int fd);

    /** The interface's index in the calling thread's network namespace, or -errno. */
    static native int interfaceIndex(String interfaceName);

    /** The interface's flags (IFF_UP = 1), or -errno. */
    static native int interfaceFlags(String interfaceName);

    /**
     * The interface's ethtool channels into {@code out}: rx, tx, combined, max rx, max tx, max combined. 0, or
     * -errno (-EOPNOTSUPP when the driver does not report channels: it has one queue).
     */
    static native int channels(String interfaceName, int[] out);
}
