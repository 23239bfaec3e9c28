package io.consort.iovec;

/** An object that lives in an {@link ObjectPool} slot for its whole life. */
public interface Poolable {
    /** Slot index given at construction; stable for the object's life. */
    int poolIndex();

    /** Drops whatever the object holds (frame references, fields) before it goes back to its pool. */
    void reset();
}
