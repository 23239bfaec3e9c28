package io.consort.xsk.ring;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The side of a ring that user space fills and the kernel drains (Fill and Tx). Usage per batch:
 * {@link #reserve(int)} slots, write them starting at {@link #reservedIndex()}, then {@link #submit(int)}.
 */
public abstract class ProducerRing extends Ring {
    private int cachedProducer;
    private int cachedConsumer;
    private int reservedIndex;

    ProducerRing(String name, RingMemory memory, int descriptorBytes) {
        super(name, memory, descriptorBytes);
        this.cachedProducer = producer.getIntVolatile(0);
        this.cachedConsumer = consumer.getIntAcquire(0) + size;
    }

    /** Free slots, refreshing our view of the kernel's consumer index only when the cached view is short. */
    final int free(int wanted) {
        int free = cachedConsumer - cachedProducer;
        if (free >= wanted) {
            return free;
        }
        cachedConsumer = consumer.getIntAcquire(0) + size;
        return cachedConsumer - cachedProducer;
    }

    /**
     * Reserves up to {@code wanted} slots.
     *
     * @return how many were reserved (0 when the ring is full); they start at {@link #reservedIndex()}.
     */
    public final int reserve(int wanted) {
        checkOpen();
        int granted = Math.min(wanted, free(wanted));
        if (granted <= 0) {
            return 0;
        }
        reservedIndex = cachedProducer;
        cachedProducer += granted;
        return granted;
    }

    /** Index of the first slot the last {@link #reserve(int)} gave; slot {@code i} is {@code reservedIndex()+i}. */
    public final int reservedIndex() {
        return reservedIndex;
    }

    /** Publishes {@code count} reserved slots to the kernel, after their descriptors were written. */
    public final void submit(int count) {
        checkOpen();
        producer.putIntRelease(0, producer.getInt(0) + count);
    }

    /** Slots the kernel has not consumed yet (submitted or reserved). */
    public final int outstanding() {
        checkOpen();
        return size - free(size);
    }

    final int descriptorIndex(int ringIndex) {
        return ringIndex & mask;
    }

    final UnsafeBuffer descriptorBuffer() {
        return descriptors;
    }
}
