package io.consort.sim.net;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One member's end of a {@link SimNetwork}; made by {@link SimNetwork#transport}.
 *
 * <p>A send copies the packet into the network at once, so the caller's frame is free when it returns. A poll
 * hands over the packets that have arrived by the current virtual time, each copied into a fresh
 * {@link Account#RECEIVE} frame right after the pool's headroom; when the pool has none the packet is dropped
 * and counted, as a NIC with an empty fill ring would. There are no link headers, so {@link #headroom()} is 0.
 *
 * <p>Counters, under component {@code transport}: {@code sent}, {@code received}, and {@code dropped <reason>}
 * for every {@link DropReason}. Closing the transport crashes the member in the network.
 */
public final class SimTransport implements Transport {
    private final SimNetwork network;
    private final int rank;
    private final FramePool frames;
    private final UnsafeBuffer frameBuffer;
    private final int frameHeadroom;
    private final AtomicCounter sent;
    private final AtomicCounter received;
    private final AtomicCounter[] dropped = new AtomicCounter[DropReason.count()];
    private boolean closed;

    SimTransport(SimNetwork network, int rank, FramePool frames, CounterSet counters) {
        if (network.maxPacketLength() > frames.payloadCapacity()) {
            throw new IllegalArgumentException("frames of member " + rank + " hold " + frames.payloadCapacity()
                + " bytes after headroom, less than the network's largest packet of " + network.maxPacketLength());
        }
        this.network = network;
        this.rank = rank;
        this.frames = frames;
        this.frameBuffer = frames.buffer();
        this.frameHeadroom = frames.headroom();
        this.sent = counters.counter("transport", "sent");
        this.received = counters.counter("transport", "received");
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = counters.counter("transport", "dropped " + DropReason.of(i).label());
        }
    }

    public int rank() {
        return rank;
    }

    @Override
    public int addressCount() {
        return network.size();
    }

    @Override
    public int headroom() {
        return 0;
    }

    @Override
    public int maxPacketLength() {
        return network.maxPacketLength();
    }

    /**
     * Copies the packet into the network towards {@code destination}, or every other member for {@link #ALL}.
     *
     * @return false when the packet was refused for want of room (oversized, network full, link backlog full)
     *     or the transport is closed; a packet the network loses on the way (loss, partition, crash) still
     *     returns true, since the sender could not have known.
     */
    @Override
    public boolean send(int destination, int frame, int offset, int length) {
        if (closed) {
            return false;
        }
        return network.send(rank, destination, frameBuffer, frames.frameOffset(frame) + offset, length);
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        if (closed) {
            return 0;
        }
        network.catchUp();
        int handed = 0;
        while (handed < limit) {
            int slot = network.nextReceived(rank);
            if (slot == PacketSlab.NONE) {
                break;
            }
            int frame = frames.acquire(Account.RECEIVE);
            if (frame == FramePool.NO_FRAME) {
                network.discard(slot, DropReason.RX_POOL_EMPTY, network.clock().nanoTime());
                continue;
            }
            int length = network.handOver(slot, frameBuffer, frames.frameOffset(frame) + frameHeadroom);
            received.incrementRelease();
            handed++;
            handler.onPacket(frame, frameHeadroom, length);
        }
        return handed;
    }

    @Override
    public int flush() {
        return 0;
    }

    /** Stops this member's traffic: it is crashed in the network from now on. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            network.detach(rank, this);
        }
    }

    void countSent() {
        sent.incrementRelease();
    }

    void countDrop(DropReason reason) {
        dropped[reason.ordinal()].incrementRelease();
    }
}
