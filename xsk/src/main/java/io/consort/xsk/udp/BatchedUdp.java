package io.consort.xsk.udp;

import io.consort.xsk.Errno;
import io.consort.xsk.XskLibrary;

/**
 * A kernel UDP/IPv4 socket that moves many datagrams per system call ({@code recvmmsg}/{@code sendmmsg}), the
 * "optimised Linux socket" baseline of the thesis, for comparison with AF_XDP.
 *
 * <p>Data lives in native memory the caller owns (a frame pool region, a direct buffer): receive writes
 * datagram {@code i} at {@code address + i * slotSize}; send reads datagram {@code i} from
 * {@code address + offsets[i]}. That memory must stay valid during the call. Addresses are IPv4 in host
 * order ({@link #ipv4(String)}). Nothing allocates per call. Not thread-safe.
 */
public final class BatchedUdp implements AutoCloseable {
    /** Most datagrams one call moves. */
    public static final int MAX_BATCH = 1024;

    private long handle;
    private final int fd;
    private final int localPort;

    private BatchedUdp(long handle, int fd, int localPort) {
        this.handle = handle;
        this.fd = fd;
        this.localPort = localPort;
    }

    /**
     * Opens a socket bound to {@code address:port} ({@code "0.0.0.0"} for any, port 0 for an ephemeral one)
     * in the calling thread's network namespace.
     */
    public static BatchedUdp bind(String address, int port, boolean reusePort) {
        XskLibrary.ensureLoaded();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        int[] info = new int[2];
        long handle = UdpNative.open(ipv4(address), port, reusePort, MAX_BATCH, info);
        if (handle < 0) {
            throw Errno.failure((int) -handle, "binding a UDP socket to " + address + ":" + port,
                -handle == 98 ? "the port is in use (pass reusePort to share it)" : null);
        }
        return new BatchedUdp(handle, info[0], info[1]);
    }

    /**
     * Receives up to {@code max} datagrams. {@code timeoutMillis}: 0 returns at once, negative waits until
     * at least one arrives, positive waits at most that long.
     *
     * @return how many datagrams were received (0 on timeout); a datagram longer than {@code slotSize} is cut
     */
    public int receive(long address, int slotSize, int[] lengths, int[] sourceAddresses, int[] sourcePorts,
                       int max, int timeoutMillis) {
        checkOpen();
        int n = Math.min(max, MAX_BATCH);
        if (lengths.length < n || sourceAddresses.length < n || sourcePorts.length < n) {
            throw new IllegalArgumentException("arrays shorter than the batch of " + n);
        }
        if (slotSize <= 0 || address == 0) {
            throw new IllegalArgumentException("need a native address and a positive slot size");
        }
        int result = UdpNative.receive(handle, address, slotSize, lengths, sourceAddresses, sourcePorts, n,
            timeoutMillis);
        return Errno.check(result, "recvmmsg");
    }

    /**
     * Receives up to {@code max} datagrams without waiting, datagram {@code i} at {@code address + offsets[i]}
     * (free frames of a pool, wherever they lie), each at most {@code capacity} bytes: a longer one is cut and
     * reported as {@code capacity + 1} bytes, so the caller can count and drop it.
     *
     * @return how many datagrams were received
     */
    public int receiveScattered(long address, int[] offsets, int capacity, int[] lengths, int[] sourceAddresses,
                                int[] sourcePorts, int max) {
        checkOpen();
        int n = Math.min(max, MAX_BATCH);
        if (offsets.length < n || lengths.length < n || sourceAddresses.length < n || sourcePorts.length < n) {
            throw new IllegalArgumentException("arrays shorter than the batch of " + n);
        }
        if (capacity <= 0 || address == 0) {
            throw new IllegalArgumentException("need a native address and a positive capacity");
        }
        int result = UdpNative.receiveScattered(handle, address, offsets, capacity, lengths, sourceAddresses,
            sourcePorts, n);
        return Errno.check(result, "recvmmsg");
    }

    /**
     * Sends {@code count} datagrams; datagram {@code i} is {@code lengths[i]} bytes at
     * {@code address + offsets[i]}, to {@code destinationAddresses[i]:destinationPorts[i]}.
     *
     * @return how many were sent; fewer than {@code count} when the socket buffer is full
     */
    public int send(long address, int[] offsets, int[] lengths, int[] destinationAddresses, int[] destinationPorts,
                    int count) {
        return sendSegmented(address, offsets, lengths, destinationAddresses, destinationPorts, count, 1);
    }

    /**
     * As {@link #send}, but a run of consecutive datagrams to one destination, each as long as the run's first
     * except perhaps a shorter last one, goes down as one segmentation-offload message ({@code UDP_SEGMENT}, at
     * most {@code maxSegments} datagrams and 65 507 bytes): one trip through the stack for the whole run, the same
     * datagrams on the wire. {@code maxSegments} 1 is {@link #send}.
     *
     * @return how many datagrams were sent, a prefix of the batch; fewer than {@code count} when the socket
     *     buffer is full
     * @throws io.consort.xsk.XskException with {@link Errno#EIO} or {@link Errno#EINVAL} where the route cannot
     *     segment (no checksum offload): send without segmentation then
     */
    public int sendSegmented(long address, int[] offsets, int[] lengths, int[] destinationAddresses,
                             int[] destinationPorts, int count, int maxSegments) {
        checkOpen();
        int n = Math.min(count, MAX_BATCH);
        if (offsets.length < n || lengths.length < n || destinationAddresses.length < n
            || destinationPorts.length < n) {
            throw new IllegalArgumentException("arrays shorter than the batch of " + n);
        }
        if (address == 0 || maxSegments <= 0) {
            throw new IllegalArgumentException("need a native address and a positive segment limit");
        }
        int result = UdpNative.sendSegmented(handle, address, offsets, lengths, destinationAddresses,
            destinationPorts, n, maxSegments);
        if (result == -Errno.EAGAIN || result == -Errno.ENOBUFS) {
            return 0;
        }
        return Errno.check(result, maxSegments > 1 ? "sendmmsg with UDP_SEGMENT" : "sendmmsg");
    }

    /**
     * Lets the kernel hand up runs of datagrams from one source as one message ({@code UDP_GRO}); read them with
     * {@link #receiveCoalesced}, which says where they split.
     */
    public void enableCoalescing() {
        checkOpen();
        Errno.check(UdpNative.enableCoalescing(fd), "setting UDP_GRO");
    }

    /**
     * Receives up to {@code max} messages without waiting, message {@code i} at {@code address + i * slotSize}.
     * A message may be a run of datagrams of one source the kernel coalesced: {@code segments[i]} is then the
     * length of each but the last (which may be shorter), else 0. A message longer than the slot is cut and
     * reported as {@code slotSize + 1} bytes. A slot of 65 535 bytes holds any run.
     *
     * @return how many messages were received
     */
    public int receiveCoalesced(long address, int slotSize, int[] lengths, int[] segments, int[] sourceAddresses,
                                int[] sourcePorts, int max) {
        checkOpen();
        int n = Math.min(max, MAX_BATCH);
        if (lengths.length < n || segments.length < n || sourceAddresses.length < n || sourcePorts.length < n) {
            throw new IllegalArgumentException("arrays shorter than the batch of " + n);
        }
        if (slotSize <= 0 || address == 0) {
            throw new IllegalArgumentException("need a native address and a positive slot size");
        }
        return Errno.check(UdpNative.receiveCoalesced(handle, address, slotSize, lengths, segments,
            sourceAddresses, sourcePorts, n), "recvmmsg");
    }

    /** Joins IPv4 multicast {@code group} on the interface that has {@code interfaceAddress}. */
    public void joinMulticast(String group, String interfaceAddress) {
        checkOpen();
        Errno.check(UdpNative.joinMulticast(fd, ipv4(group), ipv4(interfaceAddress)), "joining " + group);
    }

    /**
     * Multicasts leave by the interface that has {@code interfaceAddress}; {@code loop}: whether sockets on this
     * host (this one included) hear them too.
     */
    public void multicastOptions(String interfaceAddress, boolean loop) {
        checkOpen();
        Errno.check(UdpNative.multicastOptions(fd, ipv4(interfaceAddress), loop), "setting IP_MULTICAST_IF/LOOP");
    }

    /** Sets SO_RCVBUF and SO_SNDBUF (the kernel doubles and caps them). */
    public void bufferSizes(int receiveBytes, int sendBytes) {
        checkOpen();
        Errno.check(UdpNative.bufferSizes(fd, receiveBytes, sendBytes), "setting socket buffer sizes");
    }

    public int localPort() {
        return localPort;
    }

    public int fd() {
        checkOpen();
        return fd;
    }

    /** Dotted-quad IPv4 to an int in host order: {@code "10.77.0.1"} is {@code 0x0A4D0001}. */
    public static int ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        int value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            value = value << 8 | octet;
        }
        return value;
    }

    private void checkOpen() {
        if (handle == 0) {
            throw new IllegalStateException("UDP socket is closed");
        }
    }

    @Override
    public void close() {
        if (handle != 0) {
            UdpNative.close(handle);
            handle = 0;
        }
    }
}
