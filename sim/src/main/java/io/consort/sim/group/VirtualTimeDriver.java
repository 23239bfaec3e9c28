package io.consort.sim.group;

import io.consort.sim.net.SimNetwork;
import java.util.function.BooleanSupplier;

/**
 * Drives members over a {@link SimNetwork} from the calling thread, INVOKER style: every round each running
 * member does one duty cycle; when a round does nothing, the virtual clock jumps to the next packet arrival,
 * scheduled fault or timer. A subclass says what a round is and what it has due.
 */
public abstract class VirtualTimeDriver {
    /** Rounds at one instant before the clock moves anyway: busy members also take time. */
    private static final int MAX_ROUNDS_PER_INSTANT = 10_000;

    protected final SimNetwork network;
    private long roundsSinceTimeMoved;

    protected VirtualTimeDriver(SimNetwork network) {
        this.network = network;
    }

    /** One round: every running member does one duty cycle. Returns the work done. */
    public abstract int round();

    /** The earliest time something of the driver's own is due (members' timers, its actions), or NEVER. */
    protected abstract long nextDue(long now);

    public SimNetwork network() {
        return network;
    }

    public long now() {
        return network.clock().nanoTime();
    }

    /**
     * Runs a round; if nothing happened, moves the clock to the next thing due (at most to {@code limit}).
     * Returns false once the clock has reached {@code limit} with nothing left to do before it.
     */
    public boolean step(long limit) {
        if (round() > 0 && ++roundsSinceTimeMoved < MAX_ROUNDS_PER_INSTANT) {
            return true;
        }
        roundsSinceTimeMoved = 0;
        long now = now();
        long next = Math.min(Math.min(network.nextDeliveryTime(), network.nextFaultTime()), nextDue(now));
        if (next <= now) {
            next = now + 1;
        }
        if (next > limit) {
            if (now >= limit) {
                return false;
            }
            next = limit;
        }
        network.advanceTo(next);
        return true;
    }

    /** Runs until {@code done} holds or {@code nanos} of virtual time pass. Returns whether {@code done} held. */
    public boolean runUntil(BooleanSupplier done, long nanos) {
        long limit = now() + nanos;
        while (!done.getAsBoolean()) {
            if (!step(limit)) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs for {@code nanos} of virtual time. */
    public void runFor(long nanos) {
        long limit = now() + nanos;
        while (step(limit)) {
            if (now() >= limit) {
                return;
            }
        }
    }
}
