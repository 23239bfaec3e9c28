package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Shares suspicions (Ensemble's slander). Every {@link Event#SUSPECT} coming up from the suspect layer is passed
 * on and, while anyone is suspected, the suspected ranks are multicast every sweep; a member that hears them
 * suspects the same members at once. So a failure one member notices is acted on by all within a sweep, and the
 * group excludes a failed member in one view change rather than one per detector. While nobody is suspected it
 * has no timer.
 *
 * <pre>
 * SLANDER: kind(1)=SUSPECT_SLANDER  count(1)  { suspected rank(1) } * count
 * </pre>
 */
public final class Slander extends Layer {
    private final long sweepNanos;

    private SuspectedSet suspected;

    private AtomicCounter sent;
    private AtomicCounter adopted;
    private AtomicCounter truncated;
    private AtomicCounter noEvent;

    /** @param sweepNanos how often the current suspicions are multicast while there are any */
    public Slander(long sweepNanos) {
        if (sweepNanos <= 0) {
            throw new IllegalArgumentException("slander needs a positive sweep, had " + sweepNanos + "ns");
        }
        this.sweepNanos = sweepNanos;
    }

    @Override
    public String name() {
        return "slander";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        if (2 + context.groupSize() > context.maxFragmentPayload()) {
            throw new IllegalArgumentException("slander for " + context.groupSize() + " members does not fit a packet");
        }
        suspected = new SuspectedSet(context.groupSize());
        sent = context.counter("sent");
        adopted = context.counter("suspicions adopted");
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
        if (event.type == Event.SUSPECT) {
            boolean grew = false;
            for (int rank = 0; rank < suspected.size(); rank++) {
                if (event.vector[rank] != 0) {
                    grew |= suspected.add(rank);
                }
            }
            ctx.release(event);
            suspected.report(ctx, noEvent);
            if (grew) {
                slander();
            }
            ctx.tickSoon();
            return;
        }
        if (event.type != Event.CAST || !event.unreliable || (event.headers & ctx.headerBit()) == 0) {
            ctx.up(event);
            return;
        }
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.pull(2);
        int ranks = at < 0 ? -1 : event.payload.pull(buffer.getByte(at + 1) & 0xFF);
        if (ranks < 0 || buffer.getByte(at) != WireIds.SUSPECT_SLANDER) {
            truncated.incrementRelease();
            ctx.release(event);
            return;
        }
        for (int i = 0, n = buffer.getByte(at + 1) & 0xFF; i < n; i++) {
            int rank = buffer.getByte(ranks + i) & 0xFF;
            if (rank < suspected.size() && rank != ctx.rank() && suspected.add(rank)) {
                adopted.incrementRelease();
            }
        }
        ctx.release(event);
        suspected.report(ctx, noEvent);
        if (suspected.count() > 0) {
            ctx.tickSoon();
        }
    }

    @Override
    public long nextTick(long now) {
        return suspected.count() > 0 || suspected.reportOwed() ? now + sweepNanos : Long.MAX_VALUE;
    }

    @Override
    public void tick(long now) {
        suspected.report(ctx, noEvent);
        slander();
    }

    /** Multicasts the current suspicions, if any. */
    private void slander() {
        int count = suspected.count();
        if (count == 0) {
            return;
        }
        Event slander = ctx.newControlMessage(Event.CAST, Transport.ALL, 2 + count);
        if (slander == null) {
            noEvent.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = slander.payload.buffer();
        int at = slander.payload.index(0);
        buffer.putByte(at, WireIds.SUSPECT_SLANDER);
        buffer.putByte(at + 1, (byte) count);
        for (int rank = 0, i = 0; rank < suspected.size(); rank++) {
            if (suspected.contains(rank)) {
                buffer.putByte(at + 2 + i++, (byte) rank);
            }
        }
        slander.headers = ctx.headerBit();
        sent.incrementRelease();
        ctx.down(slander);
    }
}
