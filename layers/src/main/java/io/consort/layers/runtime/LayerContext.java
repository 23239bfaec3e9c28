package io.consort.layers.runtime;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/** What the stack gives one layer: its neighbours, the pools, the member's place in the group. */
public final class LayerContext {
    private final Stack stack;
    private final int index;
    Layer above;
    Layer below;

    LayerContext(Stack stack, int index) {
        this.stack = stack;
        this.index = index;
    }

    /** Hands an event to the layer above. */
    public void up(Event event) {
        above.up(event);
    }

    /** Hands an event to the layer below. */
    public void down(Event event) {
        below.down(event);
    }

    /** A clean event from the pool, or null when the pool is empty (count it and back off). */
    public Event acquire() {
        return stack.events.acquire();
    }

    /** Returns an event and every frame reference its payload holds. */
    public void release(Event event) {
        stack.events.release(event);
    }

    public FramePool frames() {
        return stack.frames;
    }

    public UnsafeBuffer buffer() {
        return stack.frames.buffer();
    }

    /** This layer's bit in {@link Event#headers}. */
    public int headerBit() {
        return 1 << index;
    }

    /**
     * True if {@code event} still carries the header bit of a layer below this one: a message that layer made
     * itself (a sequencer's decision) and passes up only so that stability counts it; not application data.
     */
    public boolean madeBelow(Event event) {
        return (event.headers & (headerBit() - 1)) != 0;
    }

    /** Identifies the stack's layer order on the wire. */
    public int stackFingerprint() {
        return stack.fingerprint();
    }

    /** Header bits that layers of this stack can set. */
    public int validHeaderBits() {
        return stack.validHeaderBits();
    }

    public int index() {
        return index;
    }

    public int rank() {
        return stack.view.rank();
    }

    public int groupSize() {
        return stack.view.size();
    }

    public View view() {
        return stack.view;
    }

    /** The largest view the member may be part of. */
    public int maxGroupSize() {
        return stack.maxGroupSize;
    }

    /** The member around the stack: what membership layers need across views. */
    public ViewHost host() {
        return stack.host;
    }

    /** Largest payload one packet carries: what a fragment holds. */
    public int maxFragmentPayload() {
        return stack.maxFragmentPayload;
    }

    /** Frames, hence packets, a message of {@code length} bytes takes: at least one. */
    public int framesPerMessage(int length) {
        return stack.framesPerMessage(length);
    }

    /** The most header bytes the layers above this one may push in front of a message. */
    public int headersAbove() {
        int bytes = 0;
        for (int i = index + 1; i < stack.layers.length; i++) {
            bytes += stack.layers[i].maxHeaderLength();
        }
        return bytes;
    }

    /** Largest application message the member accepts. */
    public int maxMessageLength() {
        return stack.maxMessageLength;
    }

    /**
     * Asks for this layer's next tick within {@link Layer#tickIntervalNanos()}, if it was due later (the layer
     * backed off while idle and now has work). Cheap when the tick is already due soon: call it per message.
     */
    public void tickSoon() {
        TickScheduler scheduler = stack.ticks;
        if (scheduler != null) {
            scheduler.tickSoon(index);
        }
    }

    /** Asks for this layer's {@link Layer#flush()} at the end of the current duty cycle. */
    public void flushSoon() {
        stack.flushRequests |= 1 << index;
    }

    /** A counter labelled with this layer's name. Call from {@link Layer#init}, never per message. */
    public AtomicCounter counter(String name) {
        return stack.counters.counter(stack.layers[index].name(), name);
    }

    /**
     * Acquires a fresh send frame and an event around it, ready for a control message of up to
     * {@code bodyLength} bytes that the caller writes at the returned event's {@code payload.index(0)}.
     *
     * @return the event, or null when frames or events are exhausted.
     */
    public Event newControlMessage(int type, int peer, int bodyLength) {
        return newMessage(type, peer, bodyLength, false);
    }

    /**
     * As {@link #newControlMessage}, but the message is sequenced and retransmitted by the reliability layers
     * below like an application message, and delivered once and in order; the receiving layer recognises it by
     * its header bit and consumes it.
     */
    public Event newReliableControlMessage(int type, int peer, int bodyLength) {
        return newMessage(type, peer, bodyLength, true);
    }

    private Event newMessage(int type, int peer, int bodyLength, boolean reliable) {
        Event event = acquire();
        if (event == null) {
            return null;
        }
        int frame = stack.frames.acquire(Account.CONTROL);
        if (frame == FramePool.NO_FRAME) {
            release(event);
            return null;
        }
        event.payload.appendOwned(frame, stack.frames.headroom(), bodyLength);
        event.type = type;
        event.peer = peer;
        event.unreliable = !reliable;
        return event;
    }
}
