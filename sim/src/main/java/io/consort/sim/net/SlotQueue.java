package io.consort.sim.net;

/** A bounded FIFO of slot indices: one member's receive ring. */
final class SlotQueue {
    private final int[] slots;
    private int head;
    private int size;

    SlotQueue(int capacity) {
        slots = new int[capacity];
    }

    /** False when full. */
    boolean offer(int slot) {
        if (size == slots.length) {
            return false;
        }
        int tail = head + size;
        slots[tail >= slots.length ? tail - slots.length : tail] = slot;
        size++;
        return true;
    }

    /** The oldest slot; only when not empty. */
    int poll() {
        int slot = slots[head];
        head = head + 1 == slots.length ? 0 : head + 1;
        size--;
        return slot;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }
}
