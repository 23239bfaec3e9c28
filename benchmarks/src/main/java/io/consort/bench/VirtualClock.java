package io.consort.bench;

import org.agrona.concurrent.NanoClock;

/** A clock the driving thread moves by hand, so layer timers fire as often as the benchmark says. */
public final class VirtualClock implements NanoClock {
    private long now;

    @Override
    public long nanoTime() {
        return now;
    }

    public void advance(long nanos) {
        now += nanos;
    }
}
