package io.consort.layers.transport;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/** One member's end of an {@link InMemoryNetwork}: sends from its member's thread, polls on it. */
final class InMemoryTransport implements Transport, MessageHandler {
    private final InMemoryNetwork network;
    private final int rank;
    private final FramePool frames;
    private final UnsafeBuffer buffer;
    private final AtomicCounter sent;
    private final AtomicCounter received;
    private final AtomicCounter droppedRingFull;
    private final AtomicCounter droppedNoFrame;
    private PacketHandler handler;
    private boolean closed;

    InMemoryTransport(InMemoryNetwork network, int rank, FramePool frames, CounterSet counters) {
        this.network = network;
        this.rank = rank;
        this.frames = frames;
        this.buffer = frames.buffer();
        this.sent = counters.counter("transport", "sent");
        this.received = counters.counter("transport", "received");
        this.droppedRingFull = counters.counter("transport", "dropped ring full");
        this.droppedNoFrame = counters.counter("transport", "dropped no frame");
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

    @Override
    public boolean send(int destination, int frame, int offset, int length) {
        if (closed || length > network.maxPacketLength()) {
            return false;
        }
        int index = frames.frameOffset(frame) + offset;
        if (destination != ALL) {
            return deliver(destination, index, length);
        }
        boolean all = true;
        for (int member = 0; member < network.size(); member++) {
            if (member != rank) {
                all &= deliver(member, index, length);
            }
        }
        return all;
    }

    private boolean deliver(int destination, int index, int length) {
        ManyToOneRingBuffer ring = network.inbound(destination);
        if (!ring.write(rank + 1, buffer, index, length)) {
            droppedRingFull.incrementRelease();
            return false;
        }
        sent.incrementRelease();
        return true;
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        if (closed) {
            return 0;
        }
        this.handler = handler;
        return network.inbound(rank).read(this, limit);
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer source, int index, int length) {
        int frame = frames.acquire(Account.RECEIVE);
        if (frame == FramePool.NO_FRAME) {
            droppedNoFrame.incrementRelease();
            return;
        }
        buffer.putBytes(frames.frameOffset(frame) + frames.headroom(), source, index, length);
        received.incrementRelease();
        handler.onPacket(frame, frames.headroom(), length);
    }

    @Override
    public int flush() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
