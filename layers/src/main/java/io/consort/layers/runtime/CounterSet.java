package io.consort.layers.runtime;

import java.util.HashMap;
import java.util.Map;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The counters of one member: every layer and the transport register theirs here under a label such as
 * {@code "mnak retransmitted"}. Backed by Agrona's {@link CountersManager}, so they can be read while the member
 * runs, from any thread, with {@link #reader()}.
 */
public final class CounterSet {
    private final CountersManager manager;
    private final String prefix;
    private final Map<String, AtomicCounter> byLabel = new HashMap<>();

    public CounterSet(String prefix, int maxCounters) {
        this(prefix,
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(StatusBuffers.metadataLength(maxCounters), 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(StatusBuffers.valuesLength(maxCounters), 64)));
    }

    /** Counters kept in the given buffers, for example in a file another process maps ({@link StatusBuffers}). */
    public CounterSet(String prefix, UnsafeBuffer metadata, UnsafeBuffer values) {
        this.prefix = prefix;
        this.manager = new CountersManager(metadata, values);
    }

    /**
     * The counter labelled {@code "<prefix> <component> <name>"}, made on first use. The stack of every view asks
     * again for the same labels, and gets the same counters: totals run across views. Call when a stack is built,
     * not per message.
     */
    public AtomicCounter counter(String component, String name) {
        return byLabel.computeIfAbsent(prefix + " " + component + " " + name, manager::newCounter);
    }

    public CountersReader reader() {
        return manager;
    }

    /** The value of the counter with exactly this label suffix ({@code "<component> <name>"}), or -1. */
    public long value(String componentAndName) {
        String label = prefix + " " + componentAndName;
        long[] found = {-1};
        manager.forEach((counterId, typeId, keyBuffer, counterLabel) -> {
            if (counterLabel.equals(label)) {
                found[0] = manager.getCounterValue(counterId);
            }
        });
        return found[0];
    }

    /** Every counter as {@code label = value} lines, for tools and failure messages. */
    public String dump() {
        StringBuilder out = new StringBuilder();
        manager.forEach((counterId, label) ->
            out.append(label).append(" = ").append(manager.getCounterValue(counterId)).append('\n'));
        return out.toString();
    }
}
