package io.consort.layers.transport;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.TransportFactory;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Packs the small packets a member sends to one destination within one duty cycle into one datagram (a
 * {@link BundleFormat bundle}) of up to the transport's {@link #maxPacketLength()}, and unpacks bundles on
 * receipt without copying: every packet of a bundle is handed up as an extent of the one receive frame, which
 * gets one reference per packet. There is no timer: {@link #flush()}, which the member calls at the end of every
 * duty cycle, sends what is queued, so an idle group adds no latency.
 *
 * <p>A packet too large for two to share a datagram goes alone, after the bundle queued for its destination (so
 * a destination sees packets in the order they were sent). A bundle that would hold one packet goes as that
 * packet alone. When no send frame is free the packet goes alone (counted). Malformed bundles are counted and
 * dropped whole. Wraps any {@link Transport}; every member of a group must wrap its transport alike (a member
 * without it drops bundles as foreign).
 */
public final class BundlingTransport implements Transport, PacketHandler {
    private final Transport inner;
    private final FramePool pool;
    private final UnsafeBuffer buffer;
    private final int maxBundleLength;
    /** Largest packet bundled: two must fit one datagram, or bundling only adds a copy. */
    private final int maxBundledPacket;
    /** Per destination (addresses, then {@link #ALL} at the last index): the frame being filled, its fill, count. */
    private final int[] frames;
    private final int[] lengths;
    private final int[] counts;
    private final AtomicCounter bundlesSent;
    private final AtomicCounter packetsBundled;
    private final AtomicCounter sentAlone;
    private final AtomicCounter noFrame;
    private final AtomicCounter bundlesReceived;
    private final AtomicCounter packetsUnbundled;
    private final AtomicCounter droppedMalformed;
    private PacketHandler handler;

    public BundlingTransport(Transport inner, FramePool pool, CounterSet counters) {
        this.inner = inner;
        this.pool = pool;
        this.buffer = pool.buffer();
        this.maxBundleLength = Math.min(inner.maxPacketLength(), pool.payloadCapacity());
        this.maxBundledPacket = (maxBundleLength - BundleFormat.HEADER_LENGTH) / 2 - BundleFormat.ENTRY_HEADER_LENGTH
            - BundleFormat.ALIGNMENT;
        int slots = inner.addressCount() + 1;
        frames = new int[slots];
        lengths = new int[slots];
        counts = new int[slots];
        java.util.Arrays.fill(frames, FramePool.NO_FRAME);
        bundlesSent = counters.counter("bundling", "bundles sent");
        packetsBundled = counters.counter("bundling", "packets bundled");
        sentAlone = counters.counter("bundling", "packets sent alone");
        noFrame = counters.counter("bundling", "no frame to bundle in");
        bundlesReceived = counters.counter("bundling", "bundles received");
        packetsUnbundled = counters.counter("bundling", "packets unbundled");
        droppedMalformed = counters.counter("bundling", "dropped malformed bundle");
    }

    /** Wraps every transport {@code factory} builds. */
    public static TransportFactory wrap(TransportFactory factory) {
        return (pool, counters) -> new BundlingTransport(factory.create(pool, counters), pool, counters);
    }

    @Override
    public int addressCount() {
        return inner.addressCount();
    }

    @Override
    public int headroom() {
        return inner.headroom();
    }

    @Override
    public int maxPacketLength() {
        return inner.maxPacketLength();
    }

    @Override
    public boolean send(int destination, int frame, int offset, int length) {
        int slot = destination == ALL ? frames.length - 1 : destination;
        if (length > maxBundledPacket) {
            sendBundle(slot);
            sentAlone.incrementRelease();
            return inner.send(destination, frame, offset, length);
        }
        if (frames[slot] != FramePool.NO_FRAME && lengths[slot] + BundleFormat.entrySize(length) > maxBundleLength) {
            sendBundle(slot);
        }
        if (frames[slot] == FramePool.NO_FRAME) {
            int bundle = pool.acquire(Account.SEND);
            if (bundle == FramePool.NO_FRAME) {
                noFrame.incrementRelease();
                return inner.send(destination, frame, offset, length);
            }
            frames[slot] = bundle;
            lengths[slot] = BundleFormat.HEADER_LENGTH;
        }
        int at = pool.frameOffset(frames[slot]) + pool.headroom() + lengths[slot];
        BundleFormat.writeEntry(buffer, at, length);
        buffer.putBytes(at + BundleFormat.ENTRY_HEADER_LENGTH, buffer, pool.frameOffset(frame) + offset, length);
        lengths[slot] += BundleFormat.entrySize(length);
        counts[slot]++;
        packetsBundled.incrementRelease();
        return true;
    }

    /** Sends what is queued for {@code slot}: as a bundle, or as the one packet it holds; true if none failed. */
    private boolean sendBundle(int slot) {
        int frame = frames[slot];
        if (frame == FramePool.NO_FRAME) {
            return true;
        }
        int destination = slot == frames.length - 1 ? ALL : slot;
        int start = pool.headroom();
        boolean sent;
        if (counts[slot] == 1) {
            int entry = pool.frameOffset(frame) + start + BundleFormat.HEADER_LENGTH;
            sent = inner.send(destination, frame, start + BundleFormat.HEADER_LENGTH + BundleFormat.ENTRY_HEADER_LENGTH,
                BundleFormat.entryLength(buffer, entry));
        } else {
            int length = lastEntryEnd(frame, counts[slot]);
            BundleFormat.writeHeader(buffer, pool.frameOffset(frame) + start, counts[slot], length);
            sent = inner.send(destination, frame, start, length);
            bundlesSent.incrementRelease();
        }
        pool.release(frame);
        frames[slot] = FramePool.NO_FRAME;
        lengths[slot] = 0;
        counts[slot] = 0;
        return sent;
    }

    /** The bundle's length without the last entry's padding, which need not travel. */
    private int lastEntryEnd(int frame, int count) {
        int base = pool.frameOffset(frame) + pool.headroom();
        int at = BundleFormat.HEADER_LENGTH;
        int end = at;
        for (int i = 0; i < count; i++) {
            int packet = BundleFormat.entryLength(buffer, base + at);
            end = at + BundleFormat.ENTRY_HEADER_LENGTH + packet;
            at += BundleFormat.entrySize(packet);
        }
        return end;
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        this.handler = handler;
        return inner.poll(this, limit);
    }

    @Override
    public void onPacket(int frame, int offset, int length) {
        int at = pool.frameOffset(frame) + offset;
        if (!BundleFormat.isBundle(buffer, at, length)) {
            handler.onPacket(frame, offset, length);
            return;
        }
        int count = wellFormedCount(at, length);
        if (count < 0) {
            droppedMalformed.incrementRelease();
            pool.release(frame);
            return;
        }
        bundlesReceived.incrementRelease();
        for (int i = 1; i < count; i++) {
            pool.retain(frame); // one reference per packet handed up; the transport's reference is the first
        }
        int entry = BundleFormat.HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            int packet = BundleFormat.entryLength(buffer, at + entry);
            packetsUnbundled.incrementRelease();
            handler.onPacket(frame, offset + entry + BundleFormat.ENTRY_HEADER_LENGTH, packet);
            entry += BundleFormat.entrySize(packet);
        }
    }

    /** The packet count of the bundle at {@code at}, or -1 when any field or entry does not hold. */
    private int wellFormedCount(int at, int length) {
        if (length < BundleFormat.HEADER_LENGTH || BundleFormat.version(buffer, at) != BundleFormat.VERSION
            || BundleFormat.length(buffer, at) != length) {
            return -1;
        }
        int count = BundleFormat.count(buffer, at);
        int entry = BundleFormat.HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            if (entry + BundleFormat.ENTRY_HEADER_LENGTH > length) {
                return -1;
            }
            int packet = BundleFormat.entryLength(buffer, at + entry);
            int end = entry + BundleFormat.ENTRY_HEADER_LENGTH + packet;
            if (packet == 0 || end > length) {
                return -1;
            }
            entry += BundleFormat.entrySize(packet);
            if (i == count - 1 && end != length) {
                return -1; // bytes after the last packet
            }
        }
        return count == 0 ? -1 : count;
    }

    @Override
    public int flush() {
        int work = 0;
        for (int slot = 0; slot < frames.length; slot++) {
            if (frames[slot] != FramePool.NO_FRAME) {
                sendBundle(slot);
                work++;
            }
        }
        return work + inner.flush();
    }

    @Override
    public void close() {
        for (int slot = 0; slot < frames.length; slot++) {
            if (frames[slot] != FramePool.NO_FRAME) {
                pool.release(frames[slot]);
                frames[slot] = FramePool.NO_FRAME;
                counts[slot] = 0;
            }
        }
        inner.close();
    }
}
