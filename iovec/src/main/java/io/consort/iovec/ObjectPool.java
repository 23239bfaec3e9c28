package io.consort.iovec;

import java.util.function.IntFunction;

/**
 * A fixed set of reusable objects, created up front. {@link #acquire()} returns null when all are out: callers
 * treat that as back-pressure, never as a reason to allocate. Single-threaded.
 */
public final class ObjectPool<T extends Poolable> {
    private final Object[] all;
    private final Object[] free;
    private final boolean[] out;
    private int freeCount;
    private long exhausted;
    private final LeakDetector leaks;

    public ObjectPool(String resource, int capacity, IntFunction<T> factory, LeakDetector.Level level) {
        if (capacity <= 0) {
            throw new IllegalArgumentException(resource + " pool capacity must be positive, was " + capacity);
        }
        all = new Object[capacity];
        free = new Object[capacity];
        out = new boolean[capacity];
        for (int i = 0; i < capacity; i++) {
            T item = factory.apply(i);
            if (item.poolIndex() != i) {
                throw new IllegalArgumentException("factory must give item " + i + " pool index " + i);
            }
            all[i] = item;
            free[capacity - 1 - i] = item;
        }
        freeCount = capacity;
        leaks = new LeakDetector(resource, capacity, level);
    }

    @SuppressWarnings("unchecked")
    public T acquire() {
        if (freeCount == 0) {
            exhausted++;
            return null;
        }
        T item = (T) free[--freeCount];
        free[freeCount] = null;
        out[item.poolIndex()] = true;
        leaks.onAcquire(item.poolIndex());
        return item;
    }

    public void release(T item) {
        int index = item.poolIndex();
        if (index < 0 || index >= all.length || all[index] != item || !out[index]) {
            throw new IllegalStateException("pooled object #" + index + " released twice or not from this pool");
        }
        item.reset();
        out[index] = false;
        free[freeCount++] = item;
        leaks.onRelease(index);
    }

    public int capacity() {
        return all.length;
    }

    public int available() {
        return freeCount;
    }

    public int inUse() {
        return all.length - freeCount;
    }

    public long exhaustedCount() {
        return exhausted;
    }

    /** Empty when every object is back; otherwise which are out and, if recorded, where from. */
    public String leakReport() {
        int[] held = new int[inUse()];
        int count = 0;
        for (int i = 0; i < all.length; i++) {
            if (out[i]) {
                held[count++] = i;
            }
        }
        return leaks.describe(held, count);
    }
}
