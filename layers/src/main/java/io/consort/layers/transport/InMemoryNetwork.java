package io.consort.layers.transport;

import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A loss-free network inside one process, for tests, benchmarks and examples: each member has an inbound ring, a
 * send copies the packet into the destination's ring, a poll copies it into a receive frame. A full ring drops
 * the packet (counted); reliable layers resend it.
 *
 * <p>Members may run on one thread or each on its own (one {@code AgentRunner} per member, as the README does):
 * every other member writes a member's inbound ring, so it is a many-to-one ring. An uncontended claim costs
 * one compare-and-swap; a one-writer ring written by two threads would instead lose packets without a trace.
 */
public final class InMemoryNetwork {
    private final ManyToOneRingBuffer[] inbound;
    private final int maxPacketLength;

    public InMemoryNetwork(int members, int ringBytes, int maxPacketLength) {
        inbound = new ManyToOneRingBuffer[members];
        for (int i = 0; i < members; i++) {
            inbound[i] = new ManyToOneRingBuffer(new UnsafeBuffer(
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

    ManyToOneRingBuffer inbound(int rank) {
        return inbound[rank];
    }

    int maxPacketLength() {
        return maxPacketLength;
    }
}
