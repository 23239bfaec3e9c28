package io.consort.sim.net;

/**
 * The packets on the wire, earliest arrival first: a binary min-heap of slot indices in primitive arrays.
 * Ties on arrival time go to the packet scheduled first, which is what makes a run repeatable.
 */
final class DeliveryHeap {
    private final long[] times;
    private final long[] sequences;
    private final int[] slots;
    private int size;
    private long nextSequence;

    DeliveryHeap(int capacity) {
        times = new long[capacity];
        sequences = new long[capacity];
        slots = new int[capacity];
    }

    /** Schedules {@code slot} to arrive at {@code time}; the heap must have room (one entry per slab slot). */
    void add(long time, int slot) {
        int i = size++;
        long sequence = nextSequence++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, sequence, times[parent], sequences[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, sequence, slot);
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Arrival time of the earliest packet; only when not empty. */
    long peekTime() {
        return times[0];
    }

    /** Removes the earliest packet and returns its slot; only when not empty. */
    int poll() {
        int top = slots[0];
        int last = --size;
        if (last > 0) {
            siftDown(times[last], sequences[last], slots[last], last);
        }
        return top;
    }

    private void siftDown(long time, long sequence, int slot, int end) {
        int i = 0;
        int half = end >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < end && before(times[right], sequences[right], times[child], sequences[child])) {
                child = right;
            }
            if (!before(times[child], sequences[child], time, sequence)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, time, sequence, slot);
    }

    private static boolean before(long time, long sequence, long otherTime, long otherSequence) {
        return time < otherTime || (time == otherTime && sequence < otherSequence);
    }

    private void move(int from, int to) {
        set(to, times[from], sequences[from], slots[from]);
    }

    private void set(int i, long time, long sequence, int slot) {
        times[i] = time;
        sequences[i] = sequence;
        slots[i] = slot;
    }
}
