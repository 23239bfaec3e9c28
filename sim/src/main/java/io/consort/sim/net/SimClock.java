package io.consort.sim.net;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * Virtual time for a simulation, in nanoseconds. Nothing moves it but the simulation driver, so a run never
 * depends on how fast the machine is. It serves both as a relative {@link NanoClock} and as an
 * {@link EpochNanoClock} whose epoch is the simulation's start.
 */
public final class SimClock implements NanoClock, EpochNanoClock {
    private long now;

    public SimClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves time forward to {@code nanos}; time never goes back, so an earlier instant is an error. */
    public void advanceTo(long nanos) {
        if (nanos < now) {
            throw new IllegalArgumentException("time cannot go back from " + now + " to " + nanos);
        }
        now = nanos;
    }

    /** Moves time forward by {@code nanos}. */
    public void advance(long nanos) {
        advanceTo(now + nanos);
    }

    @Override
    public String toString() {
        return "SimClock(" + now + " ns)";
    }
}
