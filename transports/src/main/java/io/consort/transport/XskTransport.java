package io.consort.transport;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.xsk.Umem;
import io.consort.xsk.UmemConfig;
import io.consort.xsk.XskSocket;
import io.consort.xsk.XskSocketConfig;
import io.consort.xsk.XskStatistics;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.packet.EthernetFlyweight;
import io.consort.xsk.packet.Ipv4Address;
import io.consort.xsk.packet.KernelNeighbours;
import io.consort.xsk.packet.MacAddress;
import io.consort.xsk.packet.ParseResult;
import io.consort.xsk.packet.UdpFrameParser;
import io.consort.xsk.packet.UdpFrameWriter;
import io.consort.xsk.netns.CurrentNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Consort packets over an AF_XDP socket: the member's frame pool is the UMEM, so received packets are handed
 * up in the very frames the kernel wrote, and sent packets leave from the caller's frame with Ethernet, IPv4
 * and UDP headers written into its headroom ({@link #headroom()} = 42 bytes).
 *
 * <p>Consort's XDP program steers UDP to this member's port to the socket; everything else stays with the
 * kernel, which therefore keeps answering ARP. Received frames are parsed strictly; rejects and datagrams
 * from non-members are counted by reason and returned to the pool. Sends are batched and go out on
 * {@link #flush()} (or when a batch fills). A frame is sent in place only when the caller holds its only
 * reference; otherwise another holder may be reading or sending it, and the packet is copied into a fresh
 * SEND frame first. Single-threaded, allocation-free after construction.
 */
public final class XskTransport implements Transport {
    private static final String COMPONENT = "xsk";
    private static final int BATCH = 64;
    private static final int STEERING_GROUP = 0;
    private static final long RESOLVE_TIMEOUT_MILLIS = 1000;
    private static final int IP_UDP_HEADERS = 28;

    private final FramePool pool;
    private final UnsafeBuffer buffer;
    private final Umem umem;
    private final XskSocket socket;
    private final XdpSteering steering;
    private final DatagramChannel portReservation;
    private final UdpFrameParser parser = new UdpFrameParser();
    private final UdpFrameWriter writer;
    private final int localRank;
    private final int[] memberIps;
    private final int[] memberPorts;
    private final long[] memberMacs;
    private final int groupIp;
    private final long groupMac;
    private final int maxPacketLength;
    private final int[] rxOffsets = new int[BATCH];
    private final int[] rxLengths = new int[BATCH];
    private final int[] txOffsets = new int[BATCH];
    private final int[] txLengths = new int[BATCH];
    private int pending;
    private final AtomicCounter sent;
    private final AtomicCounter received;
    private final AtomicCounter[] droppedByReason = new AtomicCounter[ParseResult.count()];
    private final AtomicCounter droppedNotMember;
    private final AtomicCounter droppedNoNeighbour;
    private final AtomicCounter droppedNoFrame;
    private final AtomicCounter droppedTxRingFull;
    private final AtomicCounter copied;
    private boolean closed;

    /**
     * Opens the transport in the calling thread's network namespace: checks the configuration against the
     * interface, reserves this member's UDP port, registers {@code pool} as a UMEM, binds a socket to the
     * configured queue, attaches the XDP program and resolves the members' MACs. Fails at once, saying what to
     * change, when the interface is missing or down, this member's address is not one of the interface's, the
     * port is taken, the MTU cannot carry {@code maxPacketLength}, the queue does not exist, or another XDP program
     * holds the interface.
     */
    public XskTransport(XskTransportConfig config, FramePool pool, CounterSet counters) {
        config.validate();
        InetSocketAddress self = config.member(config.localRank());
        NetworkInterface nic = LocalAddresses.requireOnInterface(self.getAddress(), config.interfaceName(),
            config.localRank());
        this.maxPacketLength = maxPacketLength(config, nic, pool);
        this.portReservation = reserve(self);
        this.pool = pool;
        this.buffer = pool.buffer();
        this.localRank = config.localRank();
        int members = config.memberCount();
        this.memberIps = new int[members];
        this.memberPorts = new int[members];
        this.memberMacs = new long[members];
        for (int rank = 0; rank < members; rank++) {
            memberIps[rank] = Ipv4Address.of(config.member(rank).getAddress());
            memberPorts[rank] = config.member(rank).getPort();
        }
        int localIp = memberIps[localRank];
        int localPort = memberPorts[localRank];
        long localMac = config.localMac() >= 0 ? config.localMac() : MacAddress.ofInterface(config.interfaceName());
        this.groupIp = config.multicastGroup() == null ? 0 : Ipv4Address.of(config.multicastGroup());
        this.groupMac = groupIp == 0 ? MacAddress.NONE : MacAddress.forIpv4Multicast(groupIp);
        this.writer = new UdpFrameWriter(localMac, localIp, localPort).udpChecksum(config.udpChecksum());
        parser.localMac(localMac).localIp(localIp).ports(localPort, localPort).checksumPolicy(config.checksumPolicy())
            .maxFrameLength(UdpFrameWriter.HEADERS_LENGTH + EthernetFlyweight.VLAN_TAG_LENGTH + maxPacketLength);
        if (groupIp != 0) {
            parser.joinGroup(groupIp);
        }
        this.sent = counters.counter(COMPONENT, "sent");
        this.received = counters.counter(COMPONENT, "received");
        for (ParseResult reason : ParseResult.values()) {
            if (reason != ParseResult.OK) {
                droppedByReason[reason.ordinal()] = counters.counter(COMPONENT, "dropped " + reason.label());
            }
        }
        this.droppedNotMember = counters.counter(COMPONENT, "dropped not-member");
        this.droppedNoNeighbour = counters.counter(COMPONENT, "dropped no-neighbour");
        this.droppedNoFrame = counters.counter(COMPONENT, "dropped no-frame");
        this.droppedTxRingFull = counters.counter(COMPONENT, "dropped tx-ring-full");
        this.copied = counters.counter(COMPONENT, "copied");

        resolveMembers(config);
        Umem registered = null;
        XdpSteering attached = null;
        try {
            registered = Umem.over(pool, new UmemConfig().fillRingSize(config.ringSize())
                .completionRingSize(config.ringSize()));
            // Attach before binding: when another member holds the interface, its error names that process.
            attached = XdpSteering.attach(config.interfaceName(), config.attachMode());
            this.socket = XskSocket.open(registered, new XskSocketConfig(config.interfaceName(), config.queue())
                .bindMode(config.bindMode()).rxRingSize(config.ringSize()).txRingSize(config.ringSize()));
            attached.routePort(localPort, STEERING_GROUP);
            attached.addSocket(STEERING_GROUP, socket);
        } catch (RuntimeException e) {
            if (attached != null) {
                attached.close();
            }
            if (registered != null) {
                registered.close();
            }
            closeQuietly(portReservation);
            throw e;
        }
        this.umem = registered;
        this.steering = attached;
    }

    /**
     * The largest payload: as configured, when the MTU carries it and a frame holds it (refused otherwise); by
     * default what both allow, at most {@link XskTransportConfig#DEFAULT_MAX_PACKET_LENGTH}.
     */
    private static int maxPacketLength(XskTransportConfig config, NetworkInterface nic, FramePool pool) {
        int mtu;
        try {
            mtu = nic.getMTU();
        } catch (SocketException e) {
            throw new IllegalStateException("cannot read the MTU of " + nic.getName() + ": " + e.getMessage(), e);
        }
        int carried = mtu - IP_UDP_HEADERS;
        // The kernel puts 256 bytes (XDP_PACKET_HEADROOM) in front of received data; VLAN tags take 4 more.
        int fits = pool.frameSize() - 256 - UdpFrameWriter.HEADERS_LENGTH - EthernetFlyweight.VLAN_TAG_LENGTH;
        int wanted = config.maxPacketLength();
        if (!config.maxPacketLengthSet()) {
            wanted = Math.min(wanted, Math.min(carried, fits));
        }
        if (wanted > carried) {
            throw new IllegalArgumentException("maxPacketLength " + wanted + " needs an MTU of at least "
                + (wanted + IP_UDP_HEADERS) + " on " + nic.getName() + ", which has " + mtu + " (frames above it are"
                + " dropped on the way): lower maxPacketLength to " + Math.max(carried, 0) + ", or raise the MTU of"
                + " every member's link, here with " + CurrentNamespace.ip("link set dev " + nic.getName() + " mtu "
                + (wanted + IP_UDP_HEADERS)));
        }
        if (wanted > fits) {
            throw new IllegalArgumentException("maxPacketLength " + wanted + " does not fit the pool's frames of "
                + pool.frameSize() + " bytes (they hold " + fits + " bytes of payload after the kernel's 256 bytes of"
                + " headroom and " + (UdpFrameWriter.HEADERS_LENGTH + EthernetFlyweight.VLAN_TAG_LENGTH)
                + " of headers): lower maxPacketLength to " + fits
                + (pool.frameSize() < 4096 ? " or use 4096-byte frames" : ""));
        }
        return wanted;
    }

    /**
     * Binds a kernel UDP socket to this member's address and port and keeps it while the transport runs: the XDP
     * program takes the port's packets before the kernel sees them, so the socket receives nothing, but it makes a
     * port already in use fail here, and keeps other programs off the port later.
     */
    private static DatagramChannel reserve(InetSocketAddress self) {
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1);
            LocalAddresses.bind(channel, self);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot reserve UDP port " + self.getPort() + " of "
                + self.getAddress().getHostAddress() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The descriptor is gone whether or not close reported an error.
            }
        }
    }

    /** A factory for {@link io.consort.layers.runtime.MemberConfig}-style wiring. */
    public static TransportFactory factory(XskTransportConfig config) {
        return (pool, counters) -> new XskTransport(config, pool, counters);
    }

    private void resolveMembers(XskTransportConfig config) {
        for (int rank = 0; rank < memberIps.length; rank++) {
            if (rank == localRank) {
                memberMacs[rank] = MacAddress.NONE;
            } else if (config.neighbours() != null) {
                memberMacs[rank] = config.neighbours().macOf(memberIps[rank]);
            } else {
                try {
                    memberMacs[rank] = KernelNeighbours.resolve(memberIps[rank], config.interfaceName(),
                        RESOLVE_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    memberMacs[rank] = MacAddress.NONE;
                }
            }
        }
    }

    @Override
    public int addressCount() {
        return memberIps.length;
    }

    @Override
    public int headroom() {
        return UdpFrameWriter.HEADERS_LENGTH;
    }

    @Override
    public int maxPacketLength() {
        return maxPacketLength;
    }

    @Override
    public boolean send(int destination, int frame, int offset, int length) {
        checkOpen();
        if (offset < UdpFrameWriter.HEADERS_LENGTH || offset + length > pool.frameSize()) {
            throw new IllegalArgumentException("packet at [" + offset + ", +" + length + ") needs "
                + UdpFrameWriter.HEADERS_LENGTH + " bytes of headroom in front and must end inside the frame");
        }
        if (length > maxPacketLength) {
            throw new IllegalArgumentException("packet of " + length + " bytes exceeds " + maxPacketLength);
        }
        if (destination != ALL) {
            return queue(frame, offset, length, memberMacs[destination], memberIps[destination],
                memberPorts[destination]);
        }
        if (groupIp != 0) {
            return queue(frame, offset, length, groupMac, groupIp, memberPorts[localRank]);
        }
        boolean all = true;
        for (int rank = 0; rank < memberIps.length; rank++) {
            if (rank != localRank) {
                all &= queue(frame, offset, length, memberMacs[rank], memberIps[rank], memberPorts[rank]);
            }
        }
        return all;
    }

    /** Writes the headers and puts the packet on the pending batch, in place or as a copy. */
    private boolean queue(int frame, int offset, int length, long mac, int ip, int port) {
        if (mac == MacAddress.NONE) {
            droppedNoNeighbour.increment();
            return false;
        }
        if (pending == BATCH) {
            submit();
        }
        if (pending + socket.pendingTransmit() >= socket.config().txRingSize()) {
            droppedTxRingFull.increment();
            return false;
        }
        int out = frame;
        if (pool.refCount(frame) == 1) {
            pool.retain(frame);
        } else {
            out = pool.acquire(Account.SEND);
            if (out == FramePool.NO_FRAME) {
                droppedNoFrame.increment();
                return false;
            }
            buffer.putBytes(pool.frameOffset(out) + offset, buffer, pool.frameOffset(frame) + offset, length);
            copied.increment();
        }
        int start = writer.write(buffer, pool.frameOffset(out) + offset, length, mac, ip, port);
        txOffsets[pending] = start;
        txLengths[pending++] = UdpFrameWriter.HEADERS_LENGTH + length;
        return true;
    }

    /** Hands the pending batch to the socket; what the ring refuses is dropped and counted. */
    private int submit() {
        if (pending == 0) {
            return 0;
        }
        int accepted = socket.send(txOffsets, txLengths, pending);
        for (int i = accepted; i < pending; i++) {
            pool.release(pool.frameOf(txOffsets[i]));
            droppedTxRingFull.increment();
        }
        sent.getAndAddRelease(accepted);
        pending = 0;
        return accepted;
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        checkOpen();
        int n = socket.receive(rxOffsets, rxLengths, Math.min(limit, BATCH));
        int handed = 0;
        for (int i = 0; i < n; i++) {
            int frame = pool.frameOf(rxOffsets[i]);
            ParseResult result = parser.parse(buffer, rxOffsets[i], rxLengths[i]);
            if (result != ParseResult.OK) {
                droppedByReason[result.ordinal()].increment();
                pool.release(frame);
            } else if (!fromOtherMember(parser.sourceIp(), parser.sourcePort())) {
                droppedNotMember.increment();
                pool.release(frame);
            } else {
                received.increment();
                handed++;
                handler.onPacket(frame, parser.payloadIndex() - pool.frameOffset(frame), parser.payloadLength());
            }
        }
        return handed;
    }

    private boolean fromOtherMember(int ip, int port) {
        for (int rank = 0; rank < memberIps.length; rank++) {
            if (rank != localRank && memberIps[rank] == ip && memberPorts[rank] == port) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int flush() {
        checkOpen();
        int work = submit();
        // Copy mode sends at most 32 frames per kick; kick again while the kernel has not taken them all.
        if (socket.pendingTransmit() > 0) {
            socket.kick();
        }
        return work + socket.reclaim();
    }

    /** Kernel statistics and Java-side socket counters, for tools and failure messages. */
    public String describe() {
        return socket.statistics(new XskStatistics()) + " " + socket.counters();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AF_XDP transport is closed");
        }
    }

    /**
     * Drops unsent packets, detaches the XDP program, closes the socket and the UMEM; every frame the
     * transport or the kernel held is back in the pool afterwards. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < pending; i++) {
            pool.release(pool.frameOf(txOffsets[i]));
        }
        pending = 0;
        try {
            steering.close();
        } finally {
            try {
                umem.close();
            } finally {
                closeQuietly(portReservation);
            }
        }
    }
}
