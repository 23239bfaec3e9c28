package io.consort.layers.transport;

import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A loss-free network inside one process, for benchmarks and examples: each member has an inbound ring, a send
 * copies the packet into the destination's ring, a poll copies it into a receive frame. Members must be driven
 * from one thread. A full ring drops the packet (counted); reliable layers resend it.
 */
public final class InMemoryNetwork {
    private final OneToOneRingBuffer[] inbound;
    private final int maxPacketLength;

    public InMemoryNetwork(int members, int ringBytes, int maxPacketLength) {
        inbound = new OneToOneRingBuffer[members];
        for (int i = 0; i < members; i++) {
            inbound[i] = new OneToOneRingBuffer(new UnsafeBuffer(
                BufferUtil.allocateDirectAligned(ringBytes + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        }
        this.maxPacketLength = maxPacketLength;
    }

    public int size() {
        return inbound.length;
    }

    /** The transport of member {@code rank}. */
    public Transport transport(int rank, FramePool frames, CounterSet counters) {
        return new InMemoryTransport(this, rank, frames, counters);
    }

    OneToOneRingBuffer inbound(int rank) {
        return inbound[rank];
    }

    int maxPacketLength() {
        return maxPacketLength;
    }
}
