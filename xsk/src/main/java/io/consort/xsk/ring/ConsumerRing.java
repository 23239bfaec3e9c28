package io.consort.xsk.ring;

/**
 * The side of a ring that the kernel fills and user space drains (Rx and Completion). Usage per batch:
 * {@link #peek(int)}, read the entries starting at {@link #peekedIndex()}, then {@link #release(int)}.
 */
public abstract class ConsumerRing extends Ring {
    private int cachedProducer;
    private int cachedConsumer;
    private int peekedIndex;

    ConsumerRing(String name, RingMemory memory, int descriptorBytes) {
        super(name, memory, descriptorBytes);
        this.cachedConsumer = consumer.getIntVolatile(0);
        this.cachedProducer = producer.getIntAcquire(0);
    }

    /**
     * Takes up to {@code max} ready entries; they stay owned by this ring until {@link #release(int)}.
     *
     * @return how many entries are ready (0 when none); they start at {@link #peekedIndex()}.
     */
    public final int peek(int max) {
        checkOpen();
        int entries = cachedProducer - cachedConsumer;
        if (entries == 0) {
            cachedProducer = producer.getIntAcquire(0);
            entries = cachedProducer - cachedConsumer;
        }
        int taken = Math.min(entries, max);
        if (taken <= 0) {
            return 0;
        }
        peekedIndex = cachedConsumer;
        cachedConsumer += taken;
        return taken;
    }

    public final int peekedIndex() {
        return peekedIndex;
    }

    /** Gives {@code count} peeked entries back to the kernel, after they were read. */
    public final void release(int count) {
        checkOpen();
        consumer.putIntRelease(0, consumer.getInt(0) + count);
    }

    /** Entries the kernel has produced that we have not peeked yet. */
    public final int available() {
        checkOpen();
        return producer.getIntAcquire(0) - cachedConsumer;
    }
}
