package io.consort.transport;

import io.consort.xsk.BindMode;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.packet.NeighbourTable;
import io.consort.xsk.packet.UdpChecksumPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where an {@link XskTransport} sends and receives: the interface and queue, every member's UDP address by
 * rank (this member's is where it listens), optionally an IPv4 multicast group for
 * {@link io.consort.layers.transport.Transport#ALL}, and how to find the members' MAC addresses.
 */
public final class XskTransportConfig {
    public static final int DEFAULT_MAX_PACKET_LENGTH = 1472;

    private final String interfaceName;
    private int queue;
    private AttachMode attachMode = AttachMode.SKB;
    private BindMode bindMode = BindMode.AUTO;
    private int localRank;
    private InetSocketAddress[] members = new InetSocketAddress[0];
    private InetAddress multicastGroup;
    private NeighbourTable neighbours;
    private long localMac = -1;
    private boolean udpChecksum = true;
    private UdpChecksumPolicy checksumPolicy = UdpChecksumPolicy.VERIFY_OR_PARTIAL;
    /** 0 until set: then the transport fits its packets to the interface's MTU (at most the default). */
    private int maxPacketLength;
    private int ringSize = 2048;
    private boolean splitHeaders;

    public XskTransportConfig(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public XskTransportConfig queue(int queue) {
        this.queue = queue;
        return this;
    }

    /** How the XDP program is attached: SKB (generic, default, works everywhere) or NATIVE. */
    public XskTransportConfig attachMode(AttachMode mode) {
        this.attachMode = mode;
        return this;
    }

    public XskTransportConfig bindMode(BindMode mode) {
        this.bindMode = mode;
        return this;
    }

    /** The addresses of the group's members, indexed by rank, and which of them is this member. */
    public XskTransportConfig members(int localRank, InetSocketAddress... byRank) {
        this.localRank = localRank;
        this.members = byRank.clone();
        return this;
    }

    /** Send {@code ALL} as one frame to this IPv4 multicast group on this member's port. */
    public XskTransportConfig multicast(InetAddress group) {
        this.multicastGroup = group;
        return this;
    }

    /** Where members' MACs come from; by default the kernel's neighbour table, resolving when needed. */
    public XskTransportConfig neighbours(NeighbourTable table) {
        this.neighbours = table;
        return this;
    }

    /** This member's MAC; by default read from the interface. */
    public XskTransportConfig localMac(long mac) {
        this.localMac = mac;
        return this;
    }

    /** Compute UDP checksums on send (default) or send 0. */
    public XskTransportConfig udpChecksum(boolean compute) {
        this.udpChecksum = compute;
        return this;
    }

    public XskTransportConfig checksumPolicy(UdpChecksumPolicy policy) {
        this.checksumPolicy = policy;
        return this;
    }

    /**
     * The largest UDP payload to send and receive. The interface's MTU must carry it (MTU &ge; length + 28) and a
     * frame must hold it, or the transport refuses to start; by default the transport takes what the MTU
     * carries, at most {@link #DEFAULT_MAX_PACKET_LENGTH}.
     */
    public XskTransportConfig maxPacketLength(int length) {
        this.maxPacketLength = length;
        return this;
    }

    /** Size of each of the four rings. */
    public XskTransportConfig ringSize(int size) {
        this.ringSize = size;
        return this;
    }

    /**
     * When a packet cannot be sent in place because its frame is in flight with other headers (unicast fan-out
     * of one packet to several members), send it as two descriptors, fresh headers and then the shared payload
     * (AF_XDP multi-buffer, {@code XDP_USE_SG}, Linux 6.6 and later; {@link #kernelHasMultiBuffer()}), instead of
     * copying the payload. Off by default: it works on veth in copy mode, where it saves little (the kernel copies
     * every frame anyway), and 3-process runs with it showed a few retransmissions that runs without did not.
     */
    public XskTransportConfig splitHeaders(boolean split) {
        this.splitHeaders = split;
        return this;
    }

    public boolean splitHeaders() {
        return splitHeaders;
    }

    /** True when this kernel (os.version) has AF_XDP multi-buffer TX, which {@link #splitHeaders} needs. */
    public static boolean kernelHasMultiBuffer() {
        return kernelAtLeast(System.getProperty("os.version", ""), 6, 6);
    }

    /** True when a Linux release string ({@code os.version}, "6.18.0-1-amd64") is at least major.minor. */
    static boolean kernelAtLeast(String release, int major, int minor) {
        String[] parts = release.split("[.-]");
        try {
            int actualMajor = Integer.parseInt(parts[0]);
            int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return actualMajor > major || actualMajor == major && actualMinor >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int queue() {
        return queue;
    }

    public AttachMode attachMode() {
        return attachMode;
    }

    public BindMode bindMode() {
        return bindMode;
    }

    public int localRank() {
        return localRank;
    }

    public int memberCount() {
        return members.length;
    }

    public InetSocketAddress member(int rank) {
        return members[rank];
    }

    public InetAddress multicastGroup() {
        return multicastGroup;
    }

    public NeighbourTable neighbours() {
        return neighbours;
    }

    public long localMac() {
        return localMac;
    }

    public boolean udpChecksum() {
        return udpChecksum;
    }

    public UdpChecksumPolicy checksumPolicy() {
        return checksumPolicy;
    }

    /** The configured largest payload, or {@link #DEFAULT_MAX_PACKET_LENGTH} when not set. */
    public int maxPacketLength() {
        return maxPacketLength == 0 ? DEFAULT_MAX_PACKET_LENGTH : maxPacketLength;
    }

    boolean maxPacketLengthSet() {
        return maxPacketLength != 0;
    }

    public int ringSize() {
        return ringSize;
    }

    void validate() {
        GroupAddresses.validate(localRank, members, multicastGroup);
        if (maxPacketLength < 0 || maxPacketLength > 65507) {
            throw new IllegalArgumentException("maxPacketLength must be 1..65507, was " + maxPacketLength);
        }
        if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() > 15) {
            throw new IllegalArgumentException("interface name must have 1 to 15 characters, was " + interfaceName);
        }
        int port = members[localRank].getPort();
        if (port == 0) {
            throw new IllegalArgumentException("this member (rank " + localRank + ") needs a UDP port: the AF_XDP"
                + " transport steers one port to its socket and cannot pick one");
        }
    }
}
