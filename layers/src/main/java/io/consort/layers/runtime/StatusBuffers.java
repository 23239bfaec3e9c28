package io.consort.layers.runtime;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Where one member keeps what can be read while it runs: its counters (Agrona {@code CountersManager} metadata
 * and values) and its distinct-error log. In memory by default; a command-line member puts them in a
 * memory-mapped file so that {@code consort stat} reads them from another process.
 */
public record StatusBuffers(UnsafeBuffer countersMetadata, UnsafeBuffer countersValues, UnsafeBuffer errorLog) {
    public static final int DEFAULT_MAX_COUNTERS = 1024;
    public static final int DEFAULT_ERROR_LOG_BYTES = 64 * 1024;

    public StatusBuffers {
        if (countersMetadata.capacity() < 2 * countersValues.capacity()) {
            throw new IllegalArgumentException("counters metadata needs twice the values' length, had "
                + countersMetadata.capacity() + " for " + countersValues.capacity());
        }
    }

    /** Buffers outside the heap, in this process only. */
    public static StatusBuffers inMemory() {
        return new StatusBuffers(
            direct(metadataLength(DEFAULT_MAX_COUNTERS)),
            direct(valuesLength(DEFAULT_MAX_COUNTERS)),
            direct(DEFAULT_ERROR_LOG_BYTES));
    }

    public static int metadataLength(int maxCounters) {
        return maxCounters * CountersReader.METADATA_LENGTH;
    }

    public static int valuesLength(int maxCounters) {
        return maxCounters * CountersReader.COUNTER_LENGTH;
    }

    private static UnsafeBuffer direct(int length) {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64));
    }
}
