package io.consort.transport;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.xsk.Umem;
import io.consort.xsk.UmemConfig;
import io.consort.xsk.XskCounters;
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
import io.consort.xsk.ring.TxRing;
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
 * from non-members are counted by reason and returned to the pool. Sends are batched on the tx ring and go out
 * with one kick per {@link #flush()} (re-kicked while copy mode takes 32 frames a time).
 *
 * <p>Packets are sent in place, without a copy, even when other holders share the frame (a retransmission
 * window keeps a reference to every reliable packet): the frame goes back to the pool when the completion ring
 * and every other holder have let go, since the kernel's reference is one of the frame's references. The only
 * bytes a send writes are the {@value UdpFrameWriter#HEADERS_LENGTH} bytes of headers in front of the packet, and
 * they are a function of the destination, offset and length ({@link UdpFrameWriter} uses no per-packet
 * identification). Writing them in place is refused only when it could change bytes someone still needs: the
 * frame is still in flight (queued, or on the tx ring and not completed) with headers for another destination,
 * offset or length (unicast fan-out of one packet to several members; a retransmission before the first send
 * completed); or the frame is shared and the packet lies beyond the pool's headroom (an extent of a received
 * frame, such as one packet of a bundle, whose headers would overwrite the packet in front of it). Such a packet
 * goes as two descriptors, its headers in a fresh SEND frame and then the payload where it is (AF_XDP
 * multi-buffer, {@link XskTransportConfig#splitHeaders}; counted in {@code sent split}), or, without
 * multi-buffer, as a copy in a fresh SEND frame (counted in {@code copied}). A send to the multicast group is one
 * frame and goes in place. Single-threaded, allocation-free after construction.
 */
public final class XskTransport implements Transport {
    private static final String COMPONENT = "xsk";
    private static final int BATCH = 64;
    private static final int STEERING_GROUP = 0;
    private static final long RESOLVE_TIMEOUT_MILLIS = 1000;
    private static final int IP_UDP_HEADERS = 28;
    /** What the kernel puts in front of received data in a UMEM frame. */
    private static final int XDP_PACKET_HEADROOM = 256;
    /** How a pending descriptor came about: {@link #txKind}. */
    private static final byte IN_PLACE = 0;
    private static final byte COPY = 1;
    private static final byte SPLIT_HEADERS = 2;
    private static final byte SPLIT_PAYLOAD = 3;

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
    /** Per frame: descriptors queued here and not yet on the tx ring (the ring's are counted by the UMEM). */
    private final int[] queuedRefs;
    /** Per frame: destination slot, offset and length its headers were last written for ({@link #headerKey}). */
    private final long[] headersFor;
    private final int groupSlot;
    /**
     * A shared frame's packet starting at or before this offset was built in the frame's headroom by the layers
     * (or is the first packet of a received frame, which the kernel puts after 256 bytes and its headers), so
     * the bytes in front of it are nobody else's.
     */
    private final int builtHereLimit;
    private final int[] rxOffsets = new int[BATCH];
    private final int[] rxLengths = new int[BATCH];
    private final int[] txOffsets = new int[BATCH];
    private final int[] txLengths = new int[BATCH];
    private final int[] txOptions = new int[BATCH];
    private final byte[] txKind = new byte[BATCH];
    private int pending;
    private final AtomicCounter sent;
    private final AtomicCounter received;
    private final AtomicCounter[] droppedByReason = new AtomicCounter[ParseResult.count()];
    private final AtomicCounter droppedNotMember;
    private final AtomicCounter droppedNoNeighbour;
    private final AtomicCounter droppedNoFrame;
    private final AtomicCounter droppedTxRingFull;
    private final AtomicCounter copied;
    private final AtomicCounter sentInPlace;
    private final AtomicCounter sentSplit;
    private final boolean splitHeaders;
    private final AtomicCounter earlyKicks;
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
        this.groupSlot = members;
        this.builtHereLimit = Math.min(pool.headroom(), XDP_PACKET_HEADROOM + UdpFrameWriter.HEADERS_LENGTH);
        this.queuedRefs = new int[pool.frameCount()];
        this.headersFor = new long[pool.frameCount()];
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
        this.sentInPlace = counters.counter(COMPONENT, "sent in place");
        this.sentSplit = counters.counter(COMPONENT, "sent split");
        this.splitHeaders = config.splitHeaders();
        this.earlyKicks = counters.counter(COMPONENT, "early kicks");

        resolveMembers(config);
        Umem registered = null;
        XdpSteering attached = null;
        try {
            registered = Umem.over(pool, new UmemConfig().fillRingSize(config.ringSize())
                .completionRingSize(config.ringSize()));
            // Attach before binding: when another member holds the interface, its error names that process.
            attached = XdpSteering.attach(config.interfaceName(), config.attachMode());
            this.socket = XskSocket.open(registered, new XskSocketConfig(config.interfaceName(), config.queue())
                .bindMode(config.bindMode()).rxRingSize(config.ringSize()).txRingSize(config.ringSize())
                .multiBuffer(config.splitHeaders()));
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
            return queue(frame, offset, length, destination, memberMacs[destination], memberIps[destination],
                memberPorts[destination]);
        }
        if (groupIp != 0) {
            return queue(frame, offset, length, groupSlot, groupMac, groupIp, memberPorts[localRank]);
        }
        boolean all = true;
        for (int rank = 0; rank < memberIps.length; rank++) {
            if (rank != localRank) {
                all &= queue(frame, offset, length, rank, memberMacs[rank], memberIps[rank], memberPorts[rank]);
            }
        }
        return all;
    }

    /** What a frame's headers say: destination slot (a rank, or the group), the packet's offset and length. */
    private static long headerKey(int slot, int offset, int length) {
        return (long) slot << 40 | (long) offset << 20 | length;
    }

    /**
     * True when writing headers for {@code key} in front of the packet at {@code offset} of {@code frame} cannot
     * change bytes anyone still needs: see the class comment.
     */
    private boolean inPlace(int frame, int offset, long key) {
        if (pool.refCount(frame) == 1) {
            return true; // the caller's is the only reference: nothing else reads or sends the frame
        }
        if (offset > builtHereLimit) {
            return false; // not a packet built in this frame's headroom: what lies in front may be another's
        }
        boolean inFlight = queuedRefs[frame] > 0 || umem.kernelReferences(frame) > 0;
        return !inFlight || headersFor[frame] == key;
    }

    /**
     * Writes the headers and puts the packet on the pending batch: in place, as two descriptors (fresh headers,
     * then the shared payload) or as a copy.
     */
    private boolean queue(int frame, int offset, int length, int slot, long mac, int ip, int port) {
        if (mac == MacAddress.NONE) {
            droppedNoNeighbour.increment();
            return false;
        }
        if (pending + 2 > BATCH) {
            submit();
        }
        if (pending + socket.pendingTransmit() + 2 > socket.config().txRingSize()) {
            droppedTxRingFull.increment();
            return false;
        }
        long key = headerKey(slot, offset, length);
        if (inPlace(frame, offset, key)) {
            pool.retain(frame);
            int start = writer.write(buffer, pool.frameOffset(frame) + offset, length, mac, ip, port);
            headersFor[frame] = key;
            pend(start, UdpFrameWriter.HEADERS_LENGTH + length, 0, IN_PLACE);
            return true;
        }
        int out = pool.acquire(Account.SEND);
        if (out == FramePool.NO_FRAME) {
            droppedNoFrame.increment();
            return false;
        }
        if (splitHeaders) {
            // The shared frame is only read: its headroom keeps the headers of its first destination.
            pool.retain(frame);
            int headers = pool.frameOffset(out) + pool.headroom();
            int payload = pool.frameOffset(frame) + offset;
            writer.writeHeaders(buffer, headers, buffer, payload, length, mac, ip, port);
            headersFor[out] = -1;
            pend(headers, UdpFrameWriter.HEADERS_LENGTH, TxRing.PACKET_CONTINUES, SPLIT_HEADERS);
            pend(payload, length, 0, SPLIT_PAYLOAD);
            return true;
        }
        buffer.putBytes(pool.frameOffset(out) + offset, buffer, pool.frameOffset(frame) + offset, length);
        int start = writer.write(buffer, pool.frameOffset(out) + offset, length, mac, ip, port);
        headersFor[out] = key;
        pend(start, UdpFrameWriter.HEADERS_LENGTH + length, 0, COPY);
        return true;
    }

    /** Adds a descriptor to the pending batch; its frame's reference passes to the batch. */
    private void pend(int offset, int length, int options, byte kind) {
        queuedRefs[pool.frameOf(offset)]++;
        txOffsets[pending] = offset;
        txLengths[pending] = length;
        txOptions[pending] = options;
        txKind[pending++] = kind;
    }

    /**
     * Puts the pending batch on the tx ring, without a kick unless the ring is half full (so a duty cycle that
     * sends more than a ring's worth does not drop); what the ring refuses is dropped and counted.
     */
    private int submit() {
        if (pending == 0) {
            return 0;
        }
        int accepted = socket.enqueue(txOffsets, txLengths, txOptions, pending);
        int packets = 0;
        int inPlace = 0;
        int split = 0;
        int copies = 0;
        for (int i = 0; i < pending; i++) {
            int frame = pool.frameOf(txOffsets[i]);
            queuedRefs[frame]--;
            boolean last = (txOptions[i] & TxRing.PACKET_CONTINUES) == 0;
            if (i >= accepted) {
                pool.release(frame);
                if (last) {
                    droppedTxRingFull.increment();
                }
            } else if (last) {
                packets++;
                inPlace += txKind[i] == IN_PLACE ? 1 : 0;
                split += txKind[i] == SPLIT_PAYLOAD ? 1 : 0;
                copies += txKind[i] == COPY ? 1 : 0;
            }
        }
        sent.getAndAddRelease(packets);
        sentInPlace.getAndAddRelease(inPlace);
        sentSplit.getAndAddRelease(split);
        copied.getAndAddRelease(copies);
        pending = 0;
        if (socket.pendingTransmit() >= socket.config().txRingSize() / 2) {
            earlyKicks.increment();
            socket.transmit();
        }
        return packets;
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
        socket.transmit(); // one kick, or as many as copy mode needs at 32 frames each
        return work + socket.reclaim();
    }

    /** Kernel statistics and Java-side socket counters, for tools and failure messages. */
    public String describe() {
        return socket.statistics(new XskStatistics()) + " " + socket.counters();
    }

    /** The socket's Java-side counters (packets, kicks, completions), for tests and tools. */
    public XskCounters socketCounters() {
        return socket.counters();
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
            int frame = pool.frameOf(txOffsets[i]);
            queuedRefs[frame]--;
            pool.release(frame);
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
