package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Failure suspicion by heartbeats (Ensemble's suspect). Any packet from a member of the view counts as hearing
 * from it, and any packet this member sends counts as a heartbeat to those it goes to: so a heartbeat goes out
 * only when this member has sent nothing to some member for {@code beat} sweeps (traffic needs none; an idle
 * group sends one every {@code beat} sweeps). A member not heard from for {@code misses} sweeps is suspected,
 * and the new suspicion goes up as a {@link Event#SUSPECT} event (for {@link Slander} to share and gmp to act
 * on). {@code beat} below {@code misses} is the margin for lost heartbeats.
 *
 * <p>Sparse heartbeats must not make a lossy link look like a failure: a member that has not heard from someone
 * for more than {@code beat + 1} sweeps (a heartbeat is overdue) asks for one, flagging its own heartbeat, every
 * sweep until it hears; whoever receives a flagged heartbeat answers with one at once (at most once a sweep).
 * So a member is wrongly suspected only if a heartbeat and then every request and answer until the timeout are
 * lost, and an idle group without loss sends only the periodic heartbeats.
 *
 * <p>Sits right above the bottom layer, so that every packet of the view passes it.
 *
 * <pre>
 * HEARTBEAT: kind(1)=SUSPECT_HEARTBEAT  answer requested(1)
 * </pre>
 */
public final class Suspect extends Layer {
    private final long sweepNanos;
    private final int misses;
    private final int beat;

    private long sweep;
    private long[] lastHeard;
    /** The sweep this member last sent to every member, and to each one alone. */
    private long lastCast;
    private long[] lastSent;
    private long lastAnswered = -1;
    private SuspectedSet suspected;

    private AtomicCounter heartbeatsSent;
    private AtomicCounter heartbeatsReceived;
    private AtomicCounter requestsSent;
    private AtomicCounter answersSent;
    private AtomicCounter suspicions;
    private AtomicCounter truncated;
    private AtomicCounter noEvent;

    /**
     * @param sweepNanos how often silence is checked
     * @param misses sweeps of silence after which a member is suspected
     * @param beat sweeps without sending anything to a member after which a heartbeat goes out, 1 to misses
     */
    public Suspect(long sweepNanos, int misses, int beat) {
        if (sweepNanos <= 0 || misses < 1 || beat < 1 || beat > misses) {
            throw new IllegalArgumentException("suspect needs a positive sweep, at least one miss and a beat of 1 to"
                + " misses sweeps, had sweep=" + sweepNanos + "ns misses=" + misses + " beat=" + beat);
        }
        this.sweepNanos = sweepNanos;
        this.misses = misses;
        this.beat = beat;
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
        lastSent = new long[members];
        suspected = new SuspectedSet(members);
        heartbeatsSent = context.counter("heartbeats sent");
        heartbeatsReceived = context.counter("heartbeats received");
        requestsSent = context.counter("heartbeats requested");
        answersSent = context.counter("heartbeats answered");
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
        if (event.isMessage()) {
            if (event.peer == Transport.ALL) {
                lastCast = sweep;
            } else if (event.peer >= 0 && event.peer < lastSent.length) {
                lastSent[event.peer] = sweep;
            }
        }
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
        int at = event.payload.pull(2);
        if (at < 0 || event.payload.buffer().getByte(at) != WireIds.SUSPECT_HEARTBEAT) {
            truncated.incrementRelease();
            ctx.release(event);
            return;
        }
        heartbeatsReceived.incrementRelease();
        boolean answerRequested = event.payload.buffer().getByte(at + 1) != 0;
        ctx.release(event);
        if (answerRequested && lastAnswered != sweep) {
            lastAnswered = sweep;
            answersSent.incrementRelease();
            heartbeat(false);
        }
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
        boolean due = false;
        boolean overdue = false;
        for (int rank = 0; rank < ctx.groupSize(); rank++) {
            if (rank != ctx.rank()) {
                due |= sweep - Math.max(lastCast, lastSent[rank]) >= beat;
                overdue |= sweep - lastHeard[rank] > beat + 1 && !suspected.contains(rank);
            }
        }
        if (overdue) {
            requestsSent.incrementRelease();
            heartbeat(true);
        } else if (due) {
            heartbeat(false);
        }
    }

    private void heartbeat(boolean requestAnswer) {
        Event heartbeat = ctx.newControlMessage(Event.CAST, Transport.ALL, 2);
        if (heartbeat == null) {
            noEvent.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = heartbeat.payload.buffer();
        int at = heartbeat.payload.index(0);
        buffer.putByte(at, WireIds.SUSPECT_HEARTBEAT);
        buffer.putByte(at + 1, (byte) (requestAnswer ? 1 : 0));
        heartbeat.headers = ctx.headerBit();
        heartbeatsSent.incrementRelease();
        lastCast = sweep;
        ctx.down(heartbeat);
    }

    @Override
    public String dump() {
        return "suspect sweep=" + sweep + " beat=" + beat + " suspected=" + suspected;
    }
}
