package io.consort.layers.proto;

/**
 * A FIFO of ordering runs, "the next {@code count} casts of {@code origin}", in a fixed primitive ring: the
 * sequencer's batch of decisions not yet sent, and each member's decisions not yet delivered. A run of count
 * {@link #SELF} stands for the sequencer's decision message itself, which takes its place in the order right
 * after the casts it orders.
 */
final class OrderRuns {
    static final int SELF = 0;

    private final int[] origins;
    private final int[] counts;
    private final int mask;
    private long head;
    private long tail;

    /** @param capacity runs it can hold, rounded up to a power of two */
    OrderRuns(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        origins = new int[size];
        counts = new int[size];
        mask = size - 1;
    }

    /** Appends one cast of {@code origin}, extending the last run when it is of the same origin. */
    void addOne(int origin) {
        if (head != tail) {
            int last = (int) ((tail - 1) & mask);
            if (origins[last] == origin && counts[last] != SELF && counts[last] < 0xFFFF) {
                counts[last]++;
                return;
            }
        }
        add(origin, 1);
    }

    /** Appends a run; {@code count} {@link #SELF} for a decision message. */
    void add(int origin, int count) {
        if (tail - head == origins.length) {
            throw new IllegalStateException("ordering runs overflow their " + origins.length + " slots");
        }
        int slot = (int) (tail++ & mask);
        origins[slot] = origin;
        counts[slot] = count;
    }

    boolean isEmpty() {
        return head == tail;
    }

    int size() {
        return (int) (tail - head);
    }

    int headOrigin() {
        return origins[(int) (head & mask)];
    }

    int headCount() {
        return counts[(int) (head & mask)];
    }

    /** Takes one cast off the head run, removing the run when it is used up or is a {@link #SELF} run. */
    void takeOne() {
        int slot = (int) (head & mask);
        if (counts[slot] <= 1) {
            head++;
        } else {
            counts[slot]--;
        }
    }

    void removeHead() {
        head++;
    }

    void clear() {
        head = tail;
    }
}
