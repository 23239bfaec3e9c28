package io.consort.xsk.ring;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the four AF_XDP rings share: the kernel's mmapped producer and consumer indices, the flags word, the
 * descriptor array, and a guard that turns use after the owning socket closed into an exception instead of
 * a read of unmapped memory.
 *
 * <p>Indices are free-running unsigned 32-bit counters; Java's wrapping {@code int} arithmetic gives the
 * same differences. The side that owns an index stores it with release semantics after writing the
 * descriptors; the other side's index is read with acquire semantics before touching descriptors (the
 * contract of the kernel's {@code xsk_queue.h}, as libxdp's {@code xsk.h} implements it).
 *
 * <p>Not thread-safe: a ring has one user thread, as it has one kernel peer.
 */
public abstract class Ring {
    /** {@code XDP_RING_NEED_WAKEUP}: the kernel wants a system call before it looks at the ring again. */
    static final int NEED_WAKEUP = 1;

    final UnsafeBuffer producer;
    final UnsafeBuffer consumer;
    final UnsafeBuffer flags;
    final UnsafeBuffer descriptors;
    final int size;
    final int mask;
    private final String name;
    private boolean closed;

    Ring(String name, RingMemory memory, int descriptorBytes) {
        this.name = name;
        this.producer = new UnsafeBuffer(memory.producer(), Integer.BYTES);
        this.consumer = new UnsafeBuffer(memory.consumer(), Integer.BYTES);
        this.flags = new UnsafeBuffer(memory.flags(), Integer.BYTES);
        this.descriptors = new UnsafeBuffer(memory.descriptors(), memory.size() * descriptorBytes);
        this.size = memory.size();
        this.mask = memory.size() - 1;
    }

    public final int size() {
        return size;
    }

    /** True when the kernel asked to be woken (only meaningful with {@code XDP_USE_NEED_WAKEUP}). */
    public final boolean needsWakeup() {
        checkOpen();
        return (flags.getIntVolatile(0) & NEED_WAKEUP) != 0;
    }

    /**
     * Marks the ring unusable; called by the socket or UMEM that owns the mapping, just before unmapping it.
     * Every later operation throws {@link IllegalStateException}.
     */
    public final void invalidate() {
        closed = true;
    }

    public final boolean isClosed() {
        return closed;
    }

    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " ring is closed: its socket or UMEM was closed");
        }
    }

    @Override
    public String toString() {
        return name + "[size=" + size + ", producer=" + Integer.toUnsignedString(producer.getIntVolatile(0))
            + ", consumer=" + Integer.toUnsignedString(consumer.getIntVolatile(0)) + "]";
    }
}
