package io.consort.layers.api;

import io.consort.iovec.FramePool;
import io.consort.layers.proto.Bottom;
import io.consort.layers.proto.Top;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.MemberAgent;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.Stack;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One member of a group, as the application sees it.
 *
 * <p>{@link #multicast} and {@link #send} may be called from any thread: they copy the message into the
 * member's application ring and return at once. {@link #tryClaim} lets the application write a message straight
 * into the ring instead. The member's {@link #agent()} does the rest on its own thread (run it on an Agrona
 * {@code AgentRunner} with the idle strategy of your choice) or under a simulator's control, and delivers every
 * message, the member's own multicasts included, to the {@link MessageHandler} on that thread.
 *
 * <p>Guarantees depend on the stack; with a reliable stack ({@code frag:flow:stable:pt2pt:mnak}) every
 * multicast is delivered exactly once, intact and in its sender's order at every member, and every point-to-point
 * message exactly once and in order at its destination.
 */
public final class Member implements AutoCloseable {
    private final View view;
    private final FramePool frames;
    private final CounterSet counters;
    private final ManyToOneRingBuffer ring;
    private final MemberAgent agent;
    private final int maxMessageLength;
    private volatile boolean closed;

    private Member(View view, FramePool frames, CounterSet counters, ManyToOneRingBuffer ring, MemberAgent agent,
                   int maxMessageLength) {
        this.view = view;
        this.frames = frames;
        this.counters = counters;
        this.ring = ring;
        this.agent = agent;
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Builds a member.
     *
     * @param protocols the protocol layers, written top to bottom as in {@code "frag:flow:stable:pt2pt:mnak"};
     *     the top (application) and bottom (transport) layers are added here
     * @param clock the member's time source: {@code SystemNanoClock} for real, the simulator's clock otherwise
     */
    public static Member create(View view, MemberConfig config, List<Layer> protocols, TransportFactory transports,
                                MessageHandler handler, NanoClock clock) {
        FramePool frames = FramePool.allocate(config.frames());
        CounterSet counters = new CounterSet("member" + view.rank(), 512);
        Transport transport = transports.create(frames, counters);
        List<Layer> bottomUp = new ArrayList<>();
        bottomUp.add(new Bottom(transport));
        for (int i = protocols.size() - 1; i >= 0; i--) {
            bottomUp.add(protocols.get(i));
        }
        bottomUp.add(new Top(handler));
        Stack stack = new Stack(bottomUp, view, frames, config, counters, transport.headroom(),
            transport.maxPacketLength());
        MemberLimits.check(stack, config);
        int ringLength = config.applicationRingLength();
        UnsafeBuffer ringBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            ringLength + RingBufferDescriptor.TRAILER_LENGTH, 64));
        ManyToOneRingBuffer ring = new ManyToOneRingBuffer(ringBuffer);
        if (ring.maxMsgLength() < config.maxMessageLength()) {
            throw new IllegalArgumentException("an application ring of " + ringLength + " bytes holds messages of at"
                + " most " + ring.maxMsgLength() + " bytes, less than maxMessageLength " + config.maxMessageLength()
                + ": raise applicationRingLength to at least " + 8L * (config.maxMessageLength() + 64));
        }
        MemberAgent agent = new MemberAgent(stack, transport, ring, clock, config);
        return new Member(view, frames, counters, ring, agent, config.maxMessageLength());
    }

    /** Multicasts a copy of {@code length} bytes to the whole group, this member included. */
    public int multicast(DirectBuffer source, int offset, int length) {
        return offer(MemberAgent.CAST_TYPE, source, offset, length);
    }

    /** Sends a copy of {@code length} bytes to the member of rank {@code destination}. */
    public int send(int destination, DirectBuffer source, int offset, int length) {
        if (destination < 0 || destination >= view.size()) {
            return SendResult.NO_SUCH_MEMBER;
        }
        return offer(MemberAgent.SEND_TYPE_BASE + destination, source, offset, length);
    }

    private int offer(int type, DirectBuffer source, int offset, int length) {
        if (closed) {
            return SendResult.CLOSED;
        }
        if (length > maxMessageLength) {
            return SendResult.TOO_LARGE;
        }
        return ring.write(type, source, offset, length) ? SendResult.OK : SendResult.BACK_PRESSURED;
    }

    /**
     * Claims {@code length} bytes of the ring for a message to {@code destination} (a rank, or
     * {@link Transport#ALL} to multicast). On {@link SendResult#OK}, write the message into {@code claim} and
     * commit it.
     */
    public int tryClaim(int destination, int length, MessageClaim claim) {
        if (closed) {
            return SendResult.CLOSED;
        }
        if (length > maxMessageLength) {
            return SendResult.TOO_LARGE;
        }
        if (destination != Transport.ALL && (destination < 0 || destination >= view.size())) {
            return SendResult.NO_SUCH_MEMBER;
        }
        int type = destination == Transport.ALL ? MemberAgent.CAST_TYPE : MemberAgent.SEND_TYPE_BASE + destination;
        int index = ring.tryClaim(type, length);
        if (index < 0) {
            return SendResult.BACK_PRESSURED;
        }
        claim.wrap(ring, index, length);
        return SendResult.OK;
    }

    /** The duty cycle to run: on an {@code AgentRunner}, or by calling {@code doWork()} from a simulator. */
    public MemberAgent agent() {
        return agent;
    }

    public View view() {
        return view;
    }

    public int rank() {
        return view.rank();
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** The member's counters, readable from any thread while it runs. */
    public CounterSet counters() {
        return counters;
    }

    public FramePool frames() {
        return frames;
    }

    /** True when no application message waits in the ring. */
    public boolean applicationQueueEmpty() {
        return ring.size() == 0;
    }

    /**
     * Stops accepting messages and closes the stack and transport. Call on the duty-cycle thread, or after its
     * runner has stopped (an {@code AgentRunner} calls the agent's {@code onClose} itself).
     */
    @Override
    public void close() {
        closed = true;
        agent.onClose();
    }
}
