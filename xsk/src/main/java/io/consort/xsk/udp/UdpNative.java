package io.consort.xsk.udp;

/** JNI entry points for batched kernel UDP. Negative results are -errno; nothing throws. */
final class UdpNative {
    private UdpNative() {
    }

    /** Opens and binds; {@code info} gets fd and the bound port. Returns a handle or -errno. */
    static native long open(int address, int port, boolean reusePort, int maxBatch, int[] info);

    static native int receive(long handle, long address, int slotSize, int[] lengths, int[] sourceAddresses,
                              int[] sourcePorts, int max, int timeoutMillis);

    static native int receiveScattered(long handle, long address, int[] offsets, int capacity, int[] lengths,
                                       int[] sourceAddresses, int[] sourcePorts, int max);

    static native int sendSegmented(long handle, long address, int[] offsets, int[] lengths,
                                    int[] destinationAddresses, int[] destinationPorts, int count, int maxSegments);

    static native int enableCoalescing(int fd);

    static native int receiveCoalesced(long handle, long address, int slotSize, int[] lengths, int[] segments,
                                       int[] sourceAddresses, int[] sourcePorts, int max);

    static native int joinMulticast(int fd, int group, int interfaceAddress);

    static native int multicastOptions(int fd, int interfaceAddress, boolean loop);

    static native int bufferSizes(int fd, int receiveBytes, int sendBytes);

    static native void close(long handle);
}
