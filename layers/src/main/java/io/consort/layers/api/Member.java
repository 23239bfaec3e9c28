package io.consort.layers.api;

import io.consort.iovec.FramePool;
import io.consort.iovec.ObjectPool;
import io.consort.layers.proto.Bottom;
import io.consort.layers.proto.Top;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.MemberAgent;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.Stack;
import io.consort.layers.runtime.StackBuilder;
import io.consort.layers.runtime.StatusBuffers;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewHost;
import io.consort.layers.runtime.ViewId;
import io.consort.layers.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
 * <p>A member created with {@link #create} belongs to a fixed group; one that {@link #join}s has views that
 * change as members join, leave, fail and partitions merge, with virtual synchrony when its stack has the
 * membership layers (see the README for the exact guarantees).
 *
 * <p>Guarantees depend on the stack; with a reliable stack ({@code frag:flow:stable:pt2pt:mnak}) every
 * multicast is delivered exactly once, intact and in its sender's order at every member, and every point-to-point
 * message exactly once and in order at its destination.
 */
public final class Member implements AutoCloseable {
    /** How long {@link #close()} from another thread waits for the duty-cycle thread to close the member. */
    public static final long CLOSE_WAIT_NANOS = 1_000_000_000L;

    private final FramePool frames;
    private final CounterSet counters;
    private final ManyToOneRingBuffer ring;
    private final MemberAgent agent;
    private final int maxMessageLength;
    private volatile boolean closed;

    private Member(FramePool frames, CounterSet counters, ManyToOneRingBuffer ring, MemberAgent agent,
                   int maxMessageLength) {
        this.frames = frames;
        this.counters = counters;
        this.ring = ring;
        this.agent = agent;
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Builds a member of a fixed group: its view never changes (no membership layer), members are named by rank,
     * and rank r is at transport address r.
     *
     * @param protocols the protocol layers, written top to bottom as in {@code "frag:flow:stable:pt2pt:mnak"};
     *     the top (application) and bottom (transport) layers are added here
     * @param clock the member's time source: {@code SystemNanoClock} for real, the simulator's clock otherwise
     */
    public static Member create(View view, MemberConfig config, List<Layer> protocols, TransportFactory transports,
                                MessageHandler handler, NanoClock clock) {
        boolean[] built = new boolean[1];
        return build(view, config, (layersView, host) -> {
            if (built[0]) {
                throw new IllegalStateException("a member created with a fixed view cannot change views: use"
                    + " Member.join with a stack that has membership layers (e.g. vsync)");
            }
            built[0] = true;
            return protocols;
        }, transports, handler, clock, new int[0], view.size());
    }

    /**
     * Builds a member that joins (or founds) group {@code groupId} as endpoint {@code self}: it starts alone, in a
     * view of its own, and merges with the group it finds at {@code seeds} (transport addresses). The stack must
     * have membership layers (e.g. {@code vsync}); each view gets fresh layers from {@code protocols}.
     */
    public static Member join(int groupId, Endpoint self, int[] seeds, MemberConfig config,
                              Supplier<List<Layer>> protocols, TransportFactory transports, MessageHandler handler,
                              NanoClock clock) {
        View first = new View(groupId, new ViewId(0, self), new Endpoint[] {self}, 0, false);
        return build(first, config, (view, host) -> protocols.get(), transports, handler, clock, seeds,
            Math.max(2, config.maxGroupSize()));
    }

    private static Member build(View first, MemberConfig config, LayerSource layers, TransportFactory transports,
                                MessageHandler handler, NanoClock clock, int[] seeds, int maxGroupSize) {
        FramePool frames = FramePool.allocate(config.frames());
        StatusBuffers status = config.statusOrInMemory();
        CounterSet counters = new CounterSet("member" + first.self().address(), status.countersMetadata(),
            status.countersValues());
        Transport transport = transports.create(frames, counters);
        ObjectPool<Event> events = Stack.eventPool(config, frames, maxGroupSize);
        StackBuilder builder = (view, host) -> {
            List<Layer> protocols = layers.layers(view, host);
            List<Layer> bottomUp = new ArrayList<>();
            bottomUp.add(new Bottom(transport));
            for (int i = protocols.size() - 1; i >= 0; i--) {
                bottomUp.add(protocols.get(i));
            }
            bottomUp.add(new Top(handler));
            Stack stack = new Stack(bottomUp, view, host, frames, events, maxGroupSize, config, counters,
                transport.headroom(), transport.maxPacketLength());
            if (view.size() == maxGroupSize) {
                MemberLimits.check(stack, config);
            }
            return stack;
        };
        if (first.size() < maxGroupSize) {
            builder.build(largestView(first, maxGroupSize), null).close();
        }
        int ringLength = config.applicationRingLength();
        UnsafeBuffer ringBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            ringLength + RingBufferDescriptor.TRAILER_LENGTH, 64));
        ManyToOneRingBuffer ring = new ManyToOneRingBuffer(ringBuffer);
        if (ring.maxMsgLength() < config.maxMessageLength() + MemberAgent.SEND_PREFIX) {
            throw new IllegalArgumentException("an application ring of " + ringLength + " bytes holds messages of at"
                + " most " + ring.maxMsgLength() + " bytes, less than maxMessageLength " + config.maxMessageLength()
                + ": raise applicationRingLength to at least " + 8L * (config.maxMessageLength() + 64));
        }
        MemberAgent agent = new MemberAgent(first, builder, transport, frames, events, counters, ring, clock, config,
            handler, seeds, status.errorLog());
        return new Member(frames, counters, ring, agent, config.maxMessageLength());
    }

    /** A view as large as this member may see, for checking at start that the pools cover its worst case. */
    private static View largestView(View first, int maxGroupSize) {
        if (first.size() >= maxGroupSize) {
            return first;
        }
        Endpoint[] members = new Endpoint[maxGroupSize];
        members[0] = first.self();
        for (int i = 1, address = 0; i < maxGroupSize; address++) {
            if (address != first.self().address()) {
                members[i++] = new Endpoint(address, 0);
            }
        }
        return new View(first.groupId(), first.id(), members, 0, false);
    }

    @FunctionalInterface
    private interface LayerSource {
        List<Layer> layers(View view, ViewHost host);
    }

    /** Multicasts a copy of {@code length} bytes to the whole group, this member included. */
    public int multicast(DirectBuffer source, int offset, int length) {
        int refusal = refusal(length);
        if (refusal != SendResult.OK) {
            return refusal;
        }
        return ring.write(MemberAgent.CAST_TYPE, source, offset, length) ? SendResult.OK : SendResult.BACK_PRESSURED;
    }

    /**
     * Sends a copy of {@code length} bytes to the member of rank {@code destination} in the current view. The
     * message is addressed to that member's endpoint: if a view change removes it first, the message is dropped
     * (and counted), never delivered to whoever takes its rank.
     */
    public int send(int destination, DirectBuffer source, int offset, int length) {
        View view = agent.view();
        if (destination < 0 || destination >= view.size()) {
            return SendResult.NO_SUCH_MEMBER;
        }
        return send(view.member(destination), source, offset, length);
    }

    /** Sends a copy of {@code length} bytes to {@code destination}, if it is still in the view when sent. */
    public int send(Endpoint destination, DirectBuffer source, int offset, int length) {
        int index = claimSend(destination, length);
        if (index < 0) {
            return index;
        }
        ring.buffer().putBytes(index, source, offset, length);
        ring.commit(index - MemberAgent.SEND_PREFIX);
        return SendResult.OK;
    }

    /**
     * Claims {@code length} bytes of the ring for a message to {@code destination} (a rank of the current view,
     * or {@link Transport#ALL} to multicast). On {@link SendResult#OK}, write the message into {@code claim} and
     * commit it.
     */
    public int tryClaim(int destination, int length, MessageClaim claim) {
        int index;
        if (destination == Transport.ALL) {
            index = refusal(length);
            if (index == SendResult.OK) {
                index = ring.tryClaim(MemberAgent.CAST_TYPE, length);
                index = index < 0 ? SendResult.BACK_PRESSURED : index;
            }
        } else {
            View view = agent.view();
            if (destination < 0 || destination >= view.size()) {
                return SendResult.NO_SUCH_MEMBER;
            }
            index = claimSend(view.member(destination), length);
        }
        if (index < 0) {
            return index;
        }
        int start = destination == Transport.ALL ? index : index - MemberAgent.SEND_PREFIX;
        claim.wrap(ring, start, index, length);
        return SendResult.OK;
    }

    /** Why a message of {@code length} bytes cannot be offered now, or {@link SendResult#OK}. */
    private int refusal(int length) {
        if (closed) {
            return SendResult.CLOSED;
        }
        if (agent.leaving()) {
            return SendResult.LEAVING;
        }
        return length > maxMessageLength ? SendResult.TOO_LARGE : SendResult.OK;
    }

    /**
     * Claims a send's room in the ring, its destination's incarnation written in front; returns where the message
     * goes (commit at that index minus {@link MemberAgent#SEND_PREFIX}), or a negative {@link SendResult}.
     */
    private int claimSend(Endpoint destination, int length) {
        int refusal = refusal(length);
        if (refusal != SendResult.OK) {
            return refusal;
        }
        int index = ring.tryClaim(MemberAgent.SEND_TYPE_BASE + destination.address(),
            length + MemberAgent.SEND_PREFIX);
        if (index < 0) {
            return SendResult.BACK_PRESSURED;
        }
        ring.buffer().putInt(index, destination.incarnation());
        return index + MemberAgent.SEND_PREFIX;
    }

    /**
     * Asks the group to let this member go, from any thread. Its messages already offered are delivered first;
     * the member stops (and the handler hears {@code onLeft}) once the others have installed a view without it.
     */
    public void leave() {
        agent.requestLeave();
    }

    /** True once this member has stopped being part of the group: it left, or it was excluded. */
    public boolean hasLeft() {
        return agent.hasLeft();
    }

    /** True if the group went on without this member; join again as a new incarnation. */
    public boolean wasExcluded() {
        return agent.wasExcluded();
    }

    /** The duty cycle to run: on an {@code AgentRunner}, or by calling {@code doWork()} from a simulator. */
    public MemberAgent agent() {
        return agent;
    }

    /** The view installed last; readable from any thread. */
    public View view() {
        return agent.view();
    }

    public Endpoint endpoint() {
        return agent.self();
    }

    public int rank() {
        return agent.view().rank();
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** The member's counters, readable from any thread while it runs; totals run across views. */
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
     * Stops accepting messages and closes the stack and transport, from any thread. On the duty-cycle thread (or
     * when no duty cycle has run) it closes at once; from another thread it asks the duty-cycle thread to close
     * at its next cycle and waits for that, up to {@link #CLOSE_WAIT_NANOS}, so the two never touch the stack at
     * once; if no cycle comes (the runner has stopped) it closes itself.
     */
    @Override
    public void close() {
        closed = true;
        Thread duty = agent.dutyThread();
        if (duty != null && duty != Thread.currentThread() && duty.isAlive()) {
            agent.requestClose();
            long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
            while (!agent.isClosed() && duty.isAlive() && System.nanoTime() < deadline) {
                Thread.yield();
            }
        }
        agent.onClose();
    }
}
