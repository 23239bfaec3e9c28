package io.consort.layers.runtime;

/** A FIFO of events in a fixed ring: layers that hold events back (flow control) park them here. */
public final class EventQueue {
    private final Event[] ring;
    private final int mask;
    private long head;
    private long tail;

    /** @param capacity rounded up to a power of two */
    public EventQueue(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        ring = new Event[size];
        mask = size - 1;
    }

    /** False when full. */
    public boolean offer(Event event) {
        if (tail - head == ring.length) {
            return false;
        }
        ring[(int) (tail++ & mask)] = event;
        return true;
    }

    /** The oldest event, or null when empty. */
    public Event poll() {
        if (head == tail) {
            return null;
        }
        int slot = (int) (head++ & mask);
        Event event = ring[slot];
        ring[slot] = null;
        return event;
    }

    /** The oldest event, left in place, or null when empty. */
    public Event peek() {
        return head == tail ? null : ring[(int) (head & mask)];
    }

    public boolean isEmpty() {
        return head == tail;
    }

    public int size() {
        return (int) (tail - head);
    }
}
