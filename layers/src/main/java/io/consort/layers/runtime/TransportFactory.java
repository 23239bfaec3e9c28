package io.consort.layers.runtime;

import io.consort.iovec.FramePool;
import io.consort.layers.transport.Transport;

/** Builds a member's transport over the member's frame pool, registering its counters in the member's set. */
@FunctionalInterface
public interface TransportFactory {
    Transport create(FramePool frames, CounterSet counters);
}
