package io.consort.xsk.netns;

/** setns(2) for the calling thread. Negative results are -errno. */
final class NetnsNative {
    private NetnsNative() {
    }

    /** An fd on the calling thread's current network namespace, to come back to; or -errno. */
    static native int current();

    /** Moves the calling thread into the namespace at {@code path} (/run/netns/NAME). 0 or -errno. */
    static native int enter(String path);

    /** Moves the calling thread back into the namespace of {@code fd} and closes it. 0 or -errno. */
    static native int restore(int fd);
}
