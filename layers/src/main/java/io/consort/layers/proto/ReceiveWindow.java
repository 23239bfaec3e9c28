package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.LayerContext;

/**
 * In-order delivery of one sender's sequenced messages: the next sequence number expected, and the messages that
 * arrived early, held in a ring of {@code window} slots. Shared by mnak (casts) and pt2pt (sends).
 */
final class ReceiveWindow {
    static final int ACCEPTED = 0;
    static final int DUPLICATE = 1;
    static final int OUT_OF_WINDOW = 2;

    private final Event[] slots;
    private final int mask;
    private long expected;

    /** @param window a power of two */
    ReceiveWindow(int window) {
        slots = new Event[window];
        mask = window - 1;
    }

    /** Receive windows, one per member of a group of {@code members}. */
    static ReceiveWindow[] perMember(int members, int window) {
        ReceiveWindow[] windows = new ReceiveWindow[members];
        for (int member = 0; member < members; member++) {
            windows[member] = new ReceiveWindow(window);
        }
        return windows;
    }

    long expected() {
        return expected;
    }

    /**
     * Takes {@code event}, numbered {@code seqno}, unless it was delivered or is held already
     * ({@link #DUPLICATE}) or lies beyond the window ({@link #OUT_OF_WINDOW}); the caller drops those.
     */
    int offer(Event event, long seqno) {
        if (seqno < expected) {
            return DUPLICATE;
        }
        if (seqno - expected >= slots.length) {
            return OUT_OF_WINDOW;
        }
        int slot = (int) (seqno & mask);
        if (slots[slot] != null) {
            return DUPLICATE;
        }
        slots[slot] = event;
        return ACCEPTED;
    }

    /** The next message in order, now deliverable, or null while it is missing. */
    Event poll() {
        int slot = (int) (expected & mask);
        Event next = slots[slot];
        if (next != null) {
            slots[slot] = null;
            expected++;
        }
        return next;
    }

    /** True if the next message in order has arrived. */
    boolean holdsNext() {
        return slots[(int) (expected & mask)] != null;
    }

    /** True if message {@code seqno}, ahead of the next expected one, has arrived. */
    boolean holds(long seqno) {
        return seqno >= expected && seqno - expected < slots.length && slots[(int) (seqno & mask)] != null;
    }

    /** Releases every message held. */
    void clear(LayerContext context) {
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] != null) {
                context.release(slots[slot]);
                slots[slot] = null;
            }
        }
    }
}
