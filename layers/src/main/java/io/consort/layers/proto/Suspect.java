package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Failure suspicion by heartbeats (Ensemble's suspect). Every sweep this member multicasts a heartbeat; any
 * packet from a member of the view counts as hearing from it. A member not heard from for {@code misses} sweeps
 * is suspected, and the new suspicion goes up as a {@link Event#SUSPECT} event (for {@link Slander} to share
 * and gmp to act on).
 *
 * <p>Sits right above the bottom layer, so that every packet of the view passes it.
 *
 * <pre>
 * HEARTBEAT: kind(1)=SUSPECT_HEARTBEAT
 * </pre>
 */
public final class Suspect extends Layer {
    private final long sweepNanos;
    private final int misses;

    private long sweep;
    private long[] lastHeard;
    private SuspectedSet suspected;

    private AtomicCounter heartbeatsSent;
    private AtomicCounter heartbeatsReceived;
    private AtomicCounter suspicions;
    private AtomicCounter truncated;
    private AtomicCounter noEvent;

    /**
     * @param sweepNanos how often heartbeats go out and silence is checked
     * @param misses sweeps of silence after which a member is suspected
     */
    public Suspect(long sweepNanos, int misses) {
        if (sweepNanos <= 0 || misses < 1) {
            throw new IllegalArgumentException("suspect needs a positive sweep and at least one miss, had sweep="
                + sweepNanos + "ns misses=" + misses);
        }
        this.sweepNanos = sweepNanos;
        this.misses = misses;
    }

    @Override
    public String name() {
        return "suspect";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    /** Time from a member's last packet to its suspicion, at most. */
    public long timeoutNanos() {
        return (misses + 1) * sweepNanos;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        lastHeard = new long[members];
        suspected = new SuspectedSet(members);
        heartbeatsSent = context.counter("heartbeats sent");
        heartbeatsReceived = context.counter("heartbeats received");
        suspicions = context.counter("suspicions");
        truncated = context.counter("dropped truncated");
        noEvent = context.counter("deferred no event");
    }

    @Override
    public long tickIntervalNanos() {
        return sweepNanos;
    }

    @Override
    public void down(Event event) {
        ctx.down(event);
    }

    @Override
    public void up(Event event) {
        if (event.type != Event.CAST && event.type != Event.SEND) {
            ctx.up(event);
            return;
        }
        lastHeard[event.peer] = sweep;
        if (event.type != Event.CAST || !event.unreliable || (event.headers & ctx.headerBit()) == 0) {
            ctx.up(event);
            return;
        }
        int at = event.payload.pull(1);
        if (at < 0 || event.payload.buffer().getByte(at) != WireIds.SUSPECT_HEARTBEAT) {
            truncated.incrementRelease();
        } else {
            heartbeatsReceived.incrementRelease();
        }
        ctx.release(event);
    }

    @Override
    public void tick(long now) {
        sweep++;
        for (int rank = 0; rank < ctx.groupSize(); rank++) {
            if (rank != ctx.rank() && sweep - lastHeard[rank] > misses && suspected.add(rank)) {
                suspicions.incrementRelease();
            }
        }
        suspected.report(ctx, noEvent);
        heartbeat();
    }

    private void heartbeat() {
        if (ctx.groupSize() == 1) {
            return;
        }
        Event beat = ctx.newControlMessage(Event.CAST, Transport.ALL, 1);
        if (beat == null) {
            noEvent.incrementRelease();
            return;
        }
        beat.payload.buffer().putByte(beat.payload.index(0), WireIds.SUSPECT_HEARTBEAT);
        beat.headers = ctx.headerBit();
        heartbeatsSent.incrementRelease();
        ctx.down(beat);
    }

    @Override
    public String dump() {
        return "suspect sweep=" + sweep + " suspected=" + suspected;
    }
}
