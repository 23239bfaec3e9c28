package io.consort.xsk.ring;

/**
 * Where one of a socket's kernel rings lives in this process: the addresses of its producer index, consumer
 * index, flags word and descriptor array (all inside the ring's mmapped area), and its size in entries.
 * The binding reads these once from the kernel's {@code XDP_MMAP_OFFSETS} at setup.
 */
public record RingMemory(long producer, long consumer, long flags, long descriptors, int size) {
    public RingMemory {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, was " + size);
        }
        if (producer == 0 || consumer == 0 || flags == 0 || descriptors == 0) {
            throw new IllegalArgumentException("ring addresses must not be null");
        }
    }

    /** From the five longs the native setup returns, starting at {@code from}. */
    public static RingMemory of(long[] values, int from) {
        return new RingMemory(values[from], values[from + 1], values[from + 2], values[from + 3],
            (int) values[from + 4]);
    }
}
