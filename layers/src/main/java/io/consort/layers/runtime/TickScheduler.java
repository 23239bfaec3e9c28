package io.consort.layers.runtime;

/** What runs a stack's layer timers: {@link LayerContext#tickSoon()} lands here. */
interface TickScheduler {
    /** Brings the tick of the layer at {@code index} forward to within its tick interval, if it is due later. */
    void tickSoon(int index);
}
