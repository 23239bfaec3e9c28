package io.consort.xsk.bpf;

/** JNI entry points for the XDP program, through libxdp. Negative results are -errno; nothing throws. */
final class XdpNative {
    private XdpNative() {
    }

    /**
     * Opens program {@code programName} of an eBPF object file, loading it into the kernel now when
     * {@code load} (otherwise attach loads it). Returns a handle or -errno.
     */
    static native long open(String objectPath, String programName, boolean load);

    /** Attaches through libxdp (netlink; its dispatcher when bpffs allows). 0 or -errno. */
    static native int attach(long program, int ifindex, int mode);

    /**
     * Attaches a loaded program through a new BPF link (BPF_LINK_CREATE, BPF_XDP) in libxdp {@code mode};
     * returns the link's fd, which owns the attachment, or -errno.
     */
    static native int attachLink(long program, int ifindex, int mode);

    /** Detaches the link's program and closes the fd. 0 or -errno (the fd is closed either way). */
    static native int detachLink(int linkFd);

    /**
     * What is attached to {@code ifindex}: {@code out = {attach mode, generic, native and offload program ids,
     * id of the BPF link holding the first of them or 0}}. 0 or -errno.
     */
    static native int query(int ifindex, int[] out);

    /** The name of loaded BPF program {@code id}, or null. */
    static native String programName(int id);

    static native int detach(long program, int ifindex, int mode);

    static native void close(long program);

    /** Fd of a map of the loaded program, or -errno. Valid until {@link #close}. */
    static native int mapFd(long program, String mapName);

    static native int mapUpdate(int mapFd, byte[] key, byte[] value);

    static native int mapDelete(int mapFd, byte[] key);

    static native int mapLookup(int mapFd, byte[] key, byte[] value);

    /** Sum over all possible CPUs of the 64-bit value at {@code key} of a per-CPU array; or -errno. */
    static native long perCpuSum(int mapFd, int key);

    /** Runs the program once on {@code frame[0..length)} (BPF_PROG_TEST_RUN); returns the XDP action. */
    static native int testRun(long program, byte[] frame, int length);

    /** 1 when the interface's XDP runs through libxdp's dispatcher, 0 for a single legacy program, -errno. */
    static native int usesDispatcher(int ifindex);

    static native int interfaceIndex(String interfaceName);

    /** The last warning libxdp or libbpf logged on this thread (verifier output, attach conflicts), or "". */
    static native String lastLog();
}
