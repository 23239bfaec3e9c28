package io.consort.transport;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.CurrentNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Consort packets over kernel UDP sockets: works on any host, needs no privileges, and is the baseline the
 * AF_XDP transport is measured against.
 *
 * <p>One non-blocking {@link DatagramChannel} bound to this member's address (the wildcard address on that
 * port when a multicast group is configured). Datagrams are received straight into RECEIVE frames of the
 * member's pool and sent straight from the caller's frame when the pool's memory is a direct buffer, through
 * one scratch buffer otherwise; the kernel writes the link headers, so {@link #headroom()} is 0. Datagrams
 * from addresses that are not members (and our own multicast loopback) are dropped and counted.
 */
public final class UdpTransport implements Transport {
    private static final String COMPONENT = "udp";

    private final FramePool pool;
    private final UnsafeBuffer frames;
    private final DatagramChannel channel;
    private final InetSocketAddress[] members;
    private final int localRank;
    private final InetSocketAddress allDestination;
    private final int maxPacketLength;
    /** A view of the pool's memory for zero-copy I/O, or null when the pool is not backed by a ByteBuffer. */
    private final ByteBuffer frameView;
    private final int viewAdjustment;
    private final ByteBuffer scratch;
    private final AtomicCounter sent;
    private final AtomicCounter received;
    private final AtomicCounter droppedSendBufferFull;
    private final AtomicCounter droppedSendError;
    private final AtomicCounter droppedOversized;
    private final AtomicCounter droppedNotMember;
    private final AtomicCounter droppedReceiveError;
    private int spareFrame = FramePool.NO_FRAME;
    private SocketAddress lastSender;
    private boolean closed;

    /**
     * Opens the socket in the calling thread's network namespace. Fails at once, saying what to change, when this
     * member's address is not assigned to an interface here (the wildcard address passes) or its port is taken.
     */
    public UdpTransport(UdpTransportConfig config, FramePool pool, CounterSet counters) {
        config.validate();
        LocalAddresses.requireAssigned(config.member(config.localRank()).getAddress(), config.localRank());
        this.pool = pool;
        this.frames = pool.buffer();
        this.localRank = config.localRank();
        this.members = new InetSocketAddress[config.memberCount()];
        for (int rank = 0; rank < members.length; rank++) {
            members[rank] = config.member(rank);
        }
        this.maxPacketLength = config.packetLengthHere(pool);
        this.allDestination = config.multicastGroup() == null ? null
            : new InetSocketAddress(config.multicastGroup(), members[localRank].getPort());
        ByteBuffer backing = frames.byteBuffer();
        this.frameView = backing != null && backing.isDirect() ? backing.duplicate() : null;
        this.viewAdjustment = frames.wrapAdjustment();
        // One byte more than the largest packet, so that a longer datagram is seen as oversized, not cut.
        this.scratch = ByteBuffer.allocateDirect(maxPacketLength + 1);
        this.sent = counters.counter(COMPONENT, "sent");
        this.received = counters.counter(COMPONENT, "received");
        this.droppedSendBufferFull = counters.counter(COMPONENT, "dropped send-buffer-full");
        this.droppedSendError = counters.counter(COMPONENT, "dropped send-error");
        this.droppedOversized = counters.counter(COMPONENT, "dropped oversized");
        this.droppedNotMember = counters.counter(COMPONENT, "dropped not-member");
        this.droppedReceiveError = counters.counter(COMPONENT, "dropped receive-error");
        this.channel = open(config);
    }

    /** A factory for {@link io.consort.layers.runtime.MemberConfig}-style wiring. */
    public static TransportFactory factory(UdpTransportConfig config) {
        return (pool, counters) -> new UdpTransport(config, pool, counters);
    }

    private DatagramChannel open(UdpTransportConfig config) {
        InetSocketAddress local = members[localRank];
        DatagramChannel opened = null;
        try {
            opened = DatagramChannel.open(StandardProtocolFamily.INET);
            opened.configureBlocking(false);
            opened.setOption(StandardSocketOptions.SO_RCVBUF, config.socketBufferBytes());
            opened.setOption(StandardSocketOptions.SO_SNDBUF, config.socketBufferBytes());
            if (config.multicastGroup() == null) {
                // No SO_REUSEADDR: with it, Linux lets a second UDP socket bind the same address and port, and a
                // second member started on our address would silently take our traffic.
                LocalAddresses.bind(opened, local);
            } else {
                NetworkInterface nic = config.multicastInterface() == null
                    ? NetworkInterface.getByInetAddress(local.getAddress())
                    : NetworkInterface.getByName(config.multicastInterface());
                if (nic == null) {
                    throw new IllegalArgumentException(config.multicastInterface() == null
                        ? "no network interface has address " + local.getAddress().getHostAddress() + " to join "
                            + config.multicastGroup().getHostAddress() + " on: name one in multicast(group, interface)"
                        : CurrentNamespace.noSuchInterface(config.multicastInterface()) + ": name one of them in"
                            + " multicast(group, interface) to join " + config.multicastGroup().getHostAddress() + " on");
                }
                // Members on one host share the group's port: every socket on it must allow that.
                opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                LocalAddresses.bind(opened, new InetSocketAddress(local.getPort()));
                opened.setOption(StandardSocketOptions.IP_MULTICAST_IF, nic);
                // Other members may run on this host; our own copies are recognised and dropped in poll.
                opened.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                opened.join(config.multicastGroup(), nic);
            }
            return opened;
        } catch (IOException e) {
            closeQuietly(opened);
            throw new UncheckedIOException("cannot open a UDP socket on " + local + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(opened);
            throw e;
        }
    }

    @Override
    public int addressCount() {
        return members.length;
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
        int index = pool.frameOffset(frame) + offset;
        if (destination != ALL) {
            return sendTo(members[destination], index, length);
        }
        if (allDestination != null) {
            return sendTo(allDestination, index, length);
        }
        boolean all = true;
        for (int rank = 0; rank < members.length; rank++) {
            if (rank != localRank) {
                all &= sendTo(members[rank], index, length);
            }
        }
        return all;
    }

    private boolean sendTo(InetSocketAddress target, int index, int length) {
        ByteBuffer source = bytes(index, length);
        try {
            if (channel.send(source, target) == 0) {
                droppedSendBufferFull.increment();
                return false;
            }
            sent.increment();
            return true;
        } catch (IOException e) {
            droppedSendError.increment();
            return false;
        }
    }

    /** The bytes at {@code index} as a ByteBuffer, a view of the frame or a copy in the scratch buffer. */
    private ByteBuffer bytes(int index, int length) {
        if (frameView != null) {
            int at = index + viewAdjustment;
            frameView.limit(at + length).position(at);
            return frameView;
        }
        scratch.clear();
        frames.getBytes(index, scratch, 0, length);
        scratch.limit(length);
        return scratch;
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        if (closed) {
            throw new IllegalStateException("UDP transport is closed");
        }
        int handed = 0;
        int offset = pool.headroom();
        while (handed < limit) {
            if (spareFrame == FramePool.NO_FRAME) {
                spareFrame = pool.acquire(Account.RECEIVE);
                if (spareFrame == FramePool.NO_FRAME) {
                    break;
                }
            }
            int index = pool.frameOffset(spareFrame) + offset;
            int length = receive(index, Math.min(maxPacketLength + 1, pool.frameSize() - offset));
            if (length < 0) {
                break;
            }
            if (length > maxPacketLength) {
                droppedOversized.increment();
                continue;
            }
            if (!fromOtherMember()) {
                droppedNotMember.increment();
                continue;
            }
            int frame = spareFrame;
            spareFrame = FramePool.NO_FRAME;
            received.increment();
            handed++;
            handler.onPacket(frame, offset, length);
        }
        return handed;
    }

    /** Receives one datagram into the frame bytes at {@code index}; its length, or -1 when none is waiting. */
    private int receive(int index, int capacity) {
        try {
            if (frameView != null) {
                int at = index + viewAdjustment;
                frameView.limit(at + capacity).position(at);
                lastSender = channel.receive(frameView);
                return lastSender == null ? -1 : frameView.position() - at;
            }
            scratch.clear().limit(capacity);
            lastSender = channel.receive(scratch);
            if (lastSender == null) {
                return -1;
            }
            int length = scratch.position();
            frames.putBytes(index, scratch, 0, length);
            return length;
        } catch (IOException e) {
            droppedReceiveError.increment();
            return -1;
        }
    }

    private boolean fromOtherMember() {
        for (int rank = 0; rank < members.length; rank++) {
            if (rank != localRank && members[rank].equals(lastSender)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int flush() {
        return 0;
    }

    /** The port this transport's socket is bound to. */
    public int localPort() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (spareFrame != FramePool.NO_FRAME) {
            pool.release(spareFrame);
            spareFrame = FramePool.NO_FRAME;
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing is left to release: the descriptor is gone whether or not close reported an error.
            }
        }
    }
}
