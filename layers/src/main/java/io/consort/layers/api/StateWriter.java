package io.consort.layers.api;

import org.agrona.MutableDirectBuffer;

/** A snapshot being streamed out, chunk by chunk, from {@link StateHandler#snapshot()}. */
public interface StateWriter {
    /**
     * Writes the next bytes of the state at {@code offset}, at most {@code capacity}, and returns how many: at least
     * one while any remain, 0 once the state is complete.
     */
    int write(MutableDirectBuffer buffer, int offset, int capacity);

    /** The stream is finished or abandoned (the view changed): drop what the snapshot kept. */
    void close();
}
