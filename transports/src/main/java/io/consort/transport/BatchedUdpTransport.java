package io.consort.transport;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.BundlingTransport;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.xsk.Errno;
import io.consort.xsk.XskException;
import io.consort.xsk.udp.BatchedUdp;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Consort packets over kernel UDP, many datagrams per system call: sends are queued (the frame retained) and go
 * out in one {@code sendmmsg} when the member flushes at the end of its duty cycle, or when the queue is full;
 * a poll takes up to a batch of datagrams with one {@code recvmmsg}, each straight into a free receive frame.
 * The source address of a datagram arrives as two ints, so nothing is allocated per datagram (the JDK's
 * {@code DatagramChannel.receive} makes an {@code InetSocketAddress} for each).
 *
 * <p>With segmentation offload ({@link UdpTransportConfig#segmentOffload}, on by default) the queue goes down
 * sorted by member, and each run of equal datagrams to one member is one GSO message; the socket takes coalesced
 * runs up whole (GRO) into a scratch area, and each datagram is copied from there into a receive frame. The
 * datagrams on the wire are the same; the kernel's stack is crossed once per run instead of once per datagram.
 * Where the route cannot segment (no checksum offload), the first send says so and the transport goes on without.
 *
 * <p>{@link #ALL} is one datagram to the IP multicast group when one is configured (members on one port, each on
 * its own address, as on a bridge), else a unicast fan-out to every other member. The multicast socket listens on
 * the group's port on every address; this host's own copies loop back only when another member lives here too,
 * and are then counted and dropped.
 * Datagrams from addresses that are not members, oversized ones and those the socket buffer refused are counted
 * and dropped. Needs the xsk module's JNI library (Linux).
 */
public final class BatchedUdpTransport implements Transport {
    private static final String COMPONENT = "udp";
    /** Datagrams per system call: a duty cycle's worth at a poll limit of 64 and a few destinations. */
    static final int BATCH = 256;
    /** Datagrams per GSO message: the kernel takes up to 64 on every version that has UDP_SEGMENT. */
    private static final int MAX_SEGMENTS = 64;
    /** Messages per recvmmsg with coalescing, each in a slot that holds any run (64 KiB). */
    private static final int COALESCED_BATCH = 64;
    private static final int COALESCED_SLOT = 65_536;

    private final FramePool pool;
    private final long base;
    private final BatchedUdp socket;
    private final int localRank;
    private final int[] memberAddresses;
    private final int[] memberPorts;
    private final int maxPacketLength;
    private final int receiveCapacity;
    private final int[] sendOffsets = new int[BATCH];
    private final int[] sendLengths = new int[BATCH];
    private final int[] sendFrames = new int[BATCH];
    private final int[] sendKeys = new int[BATCH];
    private int queued;
    private boolean segmenting;
    private final SendOrder order;
    private final CoalescedReceiver coalesced;
    private final int[] spareFrames = new int[BATCH];
    private int spares;
    private final int[] receiveOffsets = new int[BATCH];
    private final int[] receiveLengths = new int[BATCH];
    private final int[] receiveAddresses = new int[BATCH];
    private final int[] receivePorts = new int[BATCH];
    private final AtomicCounter sent;
    private final AtomicCounter sendCalls;
    private final AtomicCounter received;
    private final AtomicCounter receiveCalls;
    private final AtomicCounter droppedSendBufferFull;
    private final AtomicCounter droppedOversized;
    private final AtomicCounter droppedNotMember;
    private final AtomicCounter droppedReceiveError;
    private final AtomicCounter droppedSendError;
    private final AtomicCounter offloadRefused;
    private final AtomicCounter droppedOwnMulticast;
    private final int groupAddress;
    private boolean closed;

    /** Binds this member's address (in the calling thread's namespace); fails at once saying what to change. */
    public BatchedUdpTransport(UdpTransportConfig config, FramePool pool, CounterSet counters) {
        config.validate();
        InetSocketAddress local = config.member(config.localRank());
        LocalAddresses.requireAssigned(local.getAddress(), config.localRank());
        this.pool = pool;
        this.base = pool.region().address();
        this.localRank = config.localRank();
        this.memberAddresses = new int[config.memberCount()];
        this.memberPorts = new int[config.memberCount()];
        for (int rank = 0; rank < memberAddresses.length; rank++) {
            memberAddresses[rank] = BatchedUdp.ipv4(config.member(rank).getAddress().getHostAddress());
            memberPorts[rank] = config.member(rank).getPort();
        }
        this.maxPacketLength = config.packetLengthHere(pool);
        this.receiveCapacity = Math.min(maxPacketLength + 1, pool.frameSize() - pool.headroom());
        this.sent = counters.counter(COMPONENT, "sent");
        this.sendCalls = counters.counter(COMPONENT, "sendmmsg calls");
        this.received = counters.counter(COMPONENT, "received");
        this.receiveCalls = counters.counter(COMPONENT, "recvmmsg calls");
        this.droppedSendBufferFull = counters.counter(COMPONENT, "dropped send-buffer-full");
        this.droppedSendError = counters.counter(COMPONENT, "dropped send-error");
        this.droppedOversized = counters.counter(COMPONENT, "dropped oversized");
        this.droppedNotMember = counters.counter(COMPONENT, "dropped not-member");
        this.droppedReceiveError = counters.counter(COMPONENT, "dropped receive-error");
        this.offloadRefused = counters.counter(COMPONENT, "gso refused by route");
        this.droppedOwnMulticast = counters.counter(COMPONENT, "dropped own-multicast");
        this.segmenting = config.segmentOffload();
        this.groupAddress = config.multicastGroup() == null ? 0
            : BatchedUdp.ipv4(config.multicastGroup().getHostAddress());
        // Destination keys: a member's rank, and the member count for the group (on this member's port).
        int[] keyAddresses = Arrays.copyOf(memberAddresses, memberAddresses.length + 1);
        int[] keyPorts = Arrays.copyOf(memberPorts, memberPorts.length + 1);
        keyAddresses[memberAddresses.length] = groupAddress;
        keyPorts[memberPorts.length] = memberPorts[localRank];
        this.order = new SendOrder(BATCH, keyAddresses, keyPorts);
        String self = local.getAddress().getHostAddress();
        // Members on one port: the group's datagrams reach a socket bound to that port on every address.
        BatchedUdp opened = BatchedUdp.bind(groupAddress == 0 ? self : "0.0.0.0", local.getPort(), groupAddress != 0);
        try {
            opened.bufferSizes(config.socketBufferBytes(), config.socketBufferBytes());
            if (groupAddress != 0) {
                opened.multicastOptions(self, anotherMemberHere(config));
                opened.joinMulticast(config.multicastGroup().getHostAddress(), self);
            }
            if (segmenting) {
                opened.enableCoalescing();
            }
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        this.socket = opened;
        this.coalesced = segmenting ? new CoalescedReceiver(opened, COALESCED_BATCH, COALESCED_SLOT,
            counters.counter(COMPONENT, "gro runs received")) : null;
    }

    private static boolean anotherMemberHere(UdpTransportConfig config) {
        for (int rank = 0; rank < config.memberCount(); rank++) {
            if (rank != config.localRank() && LocalAddresses.isAssigned(config.member(rank).getAddress())) {
                return true;
            }
        }
        return false;
    }

    public static TransportFactory factory(UdpTransportConfig config) {
        return (pool, counters) -> new BatchedUdpTransport(config, pool, counters);
    }

    /**
     * The fastest kernel-UDP configuration: this transport with small packets bundled per destination and duty
     * cycle ({@link BundlingTransport}). Every member of a group must use it.
     */
    public static TransportFactory bundled(UdpTransportConfig config) {
        return BundlingTransport.wrap(factory(config));
    }

    @Override
    public int addressCount() {
        return memberAddresses.length;
    }

    @Override
    public int headroom() {
        return 0;
    }

    @Override
    public int maxPacketLength() {
        return maxPacketLength;
    }

    @Override
    public boolean send(int destination, int frame, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("UDP transport is closed");
        }
        if (length > maxPacketLength) {
            throw new IllegalArgumentException("packet of " + length + " bytes exceeds " + maxPacketLength);
        }
        int at = pool.frameOffset(frame) + offset;
        if (destination != ALL) {
            queue(destination, frame, at, length);
        } else if (groupAddress != 0) {
            queue(memberAddresses.length, frame, at, length);
        } else {
            for (int rank = 0; rank < memberAddresses.length; rank++) {
                if (rank != localRank) {
                    queue(rank, frame, at, length);
                }
            }
        }
        return true;
    }

    /** {@code key}: the destination member's rank, or the member count for the group. */
    private void queue(int key, int frame, int at, int length) {
        if (queued == BATCH) {
            sendQueued();
        }
        pool.retain(frame);
        sendFrames[queued] = frame;
        sendOffsets[queued] = at;
        sendLengths[queued] = length;
        sendKeys[queued] = key;
        queued++;
    }

    /**
     * One sendmmsg for what is queued (sorted by member for segmentation offload), then again for what the first
     * did not take; a full buffer drops the rest. A route that cannot segment turns offload off, and the queue goes
     * again without it.
     */
    private int sendQueued() {
        boolean segmented = segmenting;
        order.arrange(sendOffsets, sendLengths, sendKeys, queued, segmented);
        int[] offsets = order.offsets;
        int[] lengths = order.lengths;
        int[] addresses = order.addresses;
        int[] ports = order.ports;
        int done = 0;
        try {
            while (done < queued) {
                int n = socket.sendSegmented(base, shift(offsets, done), shift(lengths, done),
                    shift(addresses, done), shift(ports, done), queued - done, segmented ? MAX_SEGMENTS : 1);
                sendCalls.increment();
                if (n == 0) {
                    break;
                }
                done += n;
            }
        } catch (XskException e) {
            if (segmented && done == 0 && (e.errno() == Errno.EIO || e.errno() == Errno.EINVAL)) {
                offloadRefused.increment();
                segmenting = false;
                return sendQueued();
            }
            droppedSendError.getAndAdd(queued - done);
            done = queued;
        }
        sent.getAndAdd(done);
        if (done < queued) {
            droppedSendBufferFull.getAndAdd(queued - done);
        }
        for (int i = 0; i < queued; i++) {
            pool.release(sendFrames[i]);
        }
        int count = queued;
        queued = 0;
        return count;
    }

    /**
     * The arrays from {@code from} on, in place: moves the unsent tail to the front (rare: only after a partial
     * send), so the native call always starts at index 0.
     */
    private static int[] shift(int[] values, int from) {
        if (from > 0) {
            System.arraycopy(values, from, values, 0, values.length - from);
        }
        return values;
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        if (closed) {
            throw new IllegalStateException("UDP transport is closed");
        }
        if (coalesced != null) {
            return pollCoalesced(handler, limit);
        }
        int max = Math.min(limit, BATCH);
        while (spares < max) {
            int frame = pool.acquire(Account.RECEIVE);
            if (frame == FramePool.NO_FRAME) {
                break;
            }
            spareFrames[spares++] = frame;
        }
        if (spares == 0) {
            return 0;
        }
        int headroom = pool.headroom();
        int batch = Math.min(spares, max);
        for (int i = 0; i < batch; i++) {
            receiveOffsets[i] = pool.frameOffset(spareFrames[spares - 1 - i]) + headroom;
        }
        int n;
        try {
            n = socket.receiveScattered(base, receiveOffsets, receiveCapacity, receiveLengths, receiveAddresses,
                receivePorts, batch);
        } catch (XskException e) {
            droppedReceiveError.increment();
            return 0;
        }
        receiveCalls.increment();
        int handed = 0;
        int used = 0;
        for (int i = 0; i < n; i++) {
            int slot = spares - 1 - i;
            int frame = spareFrames[slot];
            if (!accepted(receiveLengths[i], receiveAddresses[i], receivePorts[i])) {
                continue;
            }
            spareFrames[slot] = FramePool.NO_FRAME;
            used++;
            received.increment();
            handed++;
            handler.onPacket(frame, headroom, receiveLengths[i]);
        }
        if (used > 0) {
            compactSpares(n);
        }
        return handed;
    }

    /** Up to {@code limit} datagrams from the coalesced runs, each copied into a receive frame of its own. */
    private int pollCoalesced(PacketHandler handler, int limit) {
        try {
            if (coalesced.fill()) {
                receiveCalls.increment();
            }
        } catch (XskException e) {
            droppedReceiveError.increment();
            return 0;
        }
        int handed = 0;
        while (handed < limit && coalesced.hasDatagram()) {
            int length = coalesced.length();
            if (!accepted(length, coalesced.sourceAddress(), coalesced.sourcePort())) {
                coalesced.skipMessage();
                continue;
            }
            int frame = pool.acquire(Account.RECEIVE);
            if (frame == FramePool.NO_FRAME) {
                break; // the rest waits in the scratch area for frames to come back
            }
            coalesced.copyTo(pool.buffer(), pool.frameOffset(frame) + pool.headroom());
            received.increment();
            handed++;
            handler.onPacket(frame, pool.headroom(), length);
        }
        return handed;
    }

    /** Closes the gaps handed-over frames left among the last {@code touched} spares. */
    private void compactSpares(int touched) {
        int keep = spares - touched;
        for (int i = spares - touched; i < spares; i++) {
            if (spareFrames[i] != FramePool.NO_FRAME) {
                spareFrames[keep++] = spareFrames[i];
            }
        }
        spares = keep;
    }

    /**
     * Whether a datagram may go up: not longer than a packet, and from another member. Counts the reason for one
     * that may not (oversized; this member's own multicast looped back; anyone else).
     */
    private boolean accepted(int length, int address, int port) {
        if (length > maxPacketLength) {
            droppedOversized.increment();
            return false;
        }
        for (int rank = 0; rank < memberAddresses.length; rank++) {
            if (memberPorts[rank] == port && memberAddresses[rank] == address) {
                if (rank != localRank) {
                    return true;
                }
                droppedOwnMulticast.increment();
                return false;
            }
        }
        droppedNotMember.increment();
        return false;
    }

    @Override
    public int flush() {
        return queued == 0 ? 0 : sendQueued();
    }

    /** The port this transport's socket is bound to. */
    public int localPort() {
        return socket.localPort();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < queued; i++) {
            pool.release(sendFrames[i]);
        }
        queued = 0;
        for (int i = 0; i < spares; i++) {
            pool.release(spareFrames[i]);
        }
        spares = 0;
        socket.close();
        if (coalesced != null) {
            coalesced.close();
        }
    }
}
