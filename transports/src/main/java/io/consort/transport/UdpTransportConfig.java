package io.consort.transport;

import io.consort.iovec.FramePool;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where a {@link UdpTransport} listens and sends: the member's rank, every member's address by rank, and
 * optionally an IPv4 multicast group that {@link io.consort.layers.transport.Transport#ALL} goes to (without
 * one, ALL is a unicast fan-out to every other member).
 */
public final class UdpTransportConfig {
    /** Payload of a UDP datagram in a 1500-byte MTU: 1500 - 20 (IPv4) - 8 (UDP). */
    public static final int DEFAULT_MAX_PACKET_LENGTH = 1472;
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 4 << 20;
    private static final int IP_UDP_HEADERS = 28;

    private int localRank;
    private InetSocketAddress[] members = new InetSocketAddress[0];
    private InetAddress multicastGroup;
    private String multicastInterface;
    private int maxPacketLength = DEFAULT_MAX_PACKET_LENGTH;
    private boolean maxPacketLengthSet;
    private int socketBufferBytes = DEFAULT_SOCKET_BUFFER_BYTES;
    private boolean segmentOffload = true;

    /** The addresses of the group's members, indexed by rank, and which of them is this member. */
    public UdpTransportConfig members(int localRank, InetSocketAddress... byRank) {
        this.localRank = localRank;
        this.members = byRank.clone();
        return this;
    }

    /**
     * Send {@code ALL} to this group (on the members' common port) instead of to each member; joined on the
     * named interface (for example {@code "csxb0"}), or the system's default when null.
     */
    public UdpTransportConfig multicast(InetAddress group, String interfaceName) {
        this.multicastGroup = group;
        this.multicastInterface = interfaceName;
        return this;
    }

    /**
     * The largest datagram payload, sent and received. Left unset, it is the default lowered to what the routes to
     * the other members carry (their interfaces' MTU less 28 bytes of IPv4 and UDP headers); set, it must fit them.
     */
    public UdpTransportConfig maxPacketLength(int length) {
        this.maxPacketLength = length;
        this.maxPacketLengthSet = true;
        return this;
    }

    /** SO_RCVBUF and SO_SNDBUF; the kernel may clamp it (net.core.rmem_max). */
    public UdpTransportConfig socketBufferBytes(int bytes) {
        this.socketBufferBytes = bytes;
        return this;
    }

    public int localRank() {
        return localRank;
    }

    public InetSocketAddress member(int rank) {
        return members[rank];
    }

    public int memberCount() {
        return members.length;
    }

    public InetAddress multicastGroup() {
        return multicastGroup;
    }

    public String multicastInterface() {
        return multicastInterface;
    }

    public int maxPacketLength() {
        return maxPacketLength;
    }

    public int socketBufferBytes() {
        return socketBufferBytes;
    }

    /**
     * Whether the batched transport sends runs of equal datagrams to one member as one segmentation-offload
     * message (UDP GSO) and takes coalesced runs up whole (UDP GRO); on by default. The datagrams on the wire are
     * the same either way; off costs a trip through the kernel's stack per datagram.
     */
    public UdpTransportConfig segmentOffload(boolean on) {
        this.segmentOffload = on;
        return this;
    }

    public boolean segmentOffload() {
        return segmentOffload;
    }

    /**
     * A datagram to the group reaches the sockets bound to its port, on every host that joined: each member must
     * listen on that one port, so members must differ by IP address. Members on one host with one address (told
     * apart by port only) would construct fine and then hear nothing from each other.
     */
    private void requireMulticastLayout() {
        for (int rank = 1; rank < members.length; rank++) {
            if (members[rank].getPort() != members[0].getPort()) {
                throw new IllegalArgumentException("multicast to " + multicastGroup.getHostAddress() + " needs every"
                    + " member on one port, each on its own IP address, but members 0 and " + rank + " listen on"
                    + " ports " + members[0].getPort() + " and " + members[rank].getPort() + ": the group's datagrams"
                    + " would reach neither; for members on one host and address leave multicast out (ALL is then"
                    + " a unicast fan-out), or give each member its own address on one port");
            }
        }
    }

    /**
     * The datagram payload a transport opened in the calling thread's namespace uses: what the routes to the other
     * members carry (see {@link #packetLengthOver}), within what a frame of {@code pool} holds.
     */
    int packetLengthHere(FramePool pool) {
        return Math.min(packetLengthOver(LocalAddresses.smallestRouteMtu(this)), pool.payloadCapacity());
    }

    /**
     * The datagram payload to use over routes whose smallest MTU is {@code routeMtu} (0 when unknown); fails,
     * saying what to change, when a length set explicitly does not fit.
     */
    int packetLengthOver(int routeMtu) {
        int carried = routeMtu - IP_UDP_HEADERS;
        if (routeMtu <= 0 || maxPacketLength <= carried) {
            return maxPacketLength;
        }
        if (!maxPacketLengthSet) {
            return carried;
        }
        throw new IllegalArgumentException("maxPacketLength " + maxPacketLength + " needs an MTU of at least "
            + (maxPacketLength + IP_UDP_HEADERS) + " on the routes to the other members, and one of them has "
            + routeMtu + " (larger datagrams are refused or fragmented on the way): lower maxPacketLength to "
            + carried + " or leave it unset, or raise the MTU of every member's link");
    }

    void validate() {
        GroupAddresses.validate(localRank, members, multicastGroup);
        if (multicastGroup != null) {
            requireMulticastLayout();
        }
        if (maxPacketLength <= 0 || maxPacketLength > 65507) {
            throw new IllegalArgumentException("maxPacketLength must be 1..65507, was " + maxPacketLength);
        }
    }
}
