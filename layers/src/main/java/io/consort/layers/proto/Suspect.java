package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Failure suspicion by heartbeats (Ensemble's suspect), with slander. Every sweep this member multicasts a
 * heartbeat; any packet from a member of the view counts as hearing from it. A member not heard from for
 * {@code misses} sweeps is suspected, and the new suspicion goes up as a {@link Event#SUSPECT} event. With
 * slander on, each heartbeat also carries the sender's suspicions and receivers adopt them, so one member's
 * suspicion reaches everyone within a sweep and the group excludes a failed member in one view change.
 *
 * <p>Sits right above the bottom layer, so that every packet of the view passes it.
 *
 * <pre>
 * HEARTBEAT: kind(1)=SUSPECT_HEARTBEAT  count(1)  { suspected rank(1) } * count
 * </pre>
 */
public final class Suspect extends Layer {
    private final long sweepNanos;
    private final int misses;
    private final boolean slander;

    private long sweep;
    private long[] lastHeard;
    private boolean[] suspected;
    private boolean reportDue;

    private AtomicCounter heartbeatsSent;
    private AtomicCounter heartbeatsReceived;
    private AtomicCounter suspicions;
    private AtomicCounter slandered;
    private AtomicCounter truncated;
    private AtomicCounter noEvent;

    /**
     * @param sweepNanos how often heartbeats go out and silence is checked
     * @param misses sweeps of silence after which a member is suspected
     * @param slander whether suspicions are shared with, and adopted from, the other members
     */
    public Suspect(long sweepNanos, int misses, boolean slander) {
        if (sweepNanos <= 0 || misses < 1) {
            throw new IllegalArgumentException("suspect needs a positive sweep and at least one miss, had sweep="
                + sweepNanos + "ns misses=" + misses);
        }
        this.sweepNanos = sweepNanos;
        this.misses = misses;
        this.slander = slander;
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
        if (2 + members > context.maxFragmentPayload()) {
            throw new IllegalArgumentException("suspect heartbeats for " + members + " members do not fit a packet");
        }
        lastHeard = new long[members];
        suspected = new boolean[members];
        heartbeatsSent = context.counter("heartbeats sent");
        heartbeatsReceived = context.counter("heartbeats received");
        suspicions = context.counter("suspicions");
        slandered = context.counter("suspicions adopted");
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
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.pull(2);
        int count = at < 0 ? 0 : buffer.getByte(at + 1) & 0xFF;
        int ranks = at < 0 ? -1 : event.payload.pull(count);
        if (ranks < 0 || buffer.getByte(at) != WireIds.SUSPECT_HEARTBEAT) {
            truncated.incrementRelease();
            ctx.release(event);
            return;
        }
        heartbeatsReceived.incrementRelease();
        if (slander) {
            for (int i = 0; i < count; i++) {
                int rank = buffer.getByte(ranks + i) & 0xFF;
                if (rank < ctx.groupSize() && rank != ctx.rank() && !suspected[rank]) {
                    slandered.incrementRelease();
                    suspect(rank);
                }
            }
        }
        ctx.release(event);
        report();
    }

    @Override
    public void tick(long now) {
        sweep++;
        for (int rank = 0; rank < ctx.groupSize(); rank++) {
            if (rank != ctx.rank() && !suspected[rank] && sweep - lastHeard[rank] > misses) {
                suspect(rank);
            }
        }
        report();
        heartbeat();
    }

    private void suspect(int rank) {
        suspected[rank] = true;
        suspicions.incrementRelease();
        reportDue = true;
    }

    private void report() {
        if (!reportDue) {
            return;
        }
        Event notice = ctx.acquire();
        if (notice == null) {
            noEvent.incrementRelease();
            return;
        }
        reportDue = false;
        notice.type = Event.SUSPECT;
        for (int rank = 0; rank < ctx.groupSize(); rank++) {
            notice.vector[rank] = suspected[rank] ? 1 : 0;
        }
        ctx.up(notice);
    }

    private void heartbeat() {
        if (ctx.groupSize() == 1) {
            return;
        }
        int count = 0;
        for (boolean s : suspected) {
            count += s ? 1 : 0;
        }
        Event beat = ctx.newControlMessage(Event.CAST, Transport.ALL, 2 + count);
        if (beat == null) {
            noEvent.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = beat.payload.buffer();
        int at = beat.payload.index(0);
        buffer.putByte(at, WireIds.SUSPECT_HEARTBEAT);
        buffer.putByte(at + 1, (byte) count);
        for (int rank = 0, i = 0; rank < suspected.length; rank++) {
            if (suspected[rank]) {
                buffer.putByte(at + 2 + i++, (byte) rank);
            }
        }
        beat.headers = ctx.headerBit();
        heartbeatsSent.incrementRelease();
        ctx.down(beat);
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder("suspect sweep=").append(sweep).append(" suspected=");
        for (int rank = 0; rank < suspected.length; rank++) {
            if (suspected[rank]) {
                out.append(rank).append(' ');
            }
        }
        return out.toString();
    }
}
