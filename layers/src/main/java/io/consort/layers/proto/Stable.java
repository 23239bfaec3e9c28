package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.Seqnos;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Stability detection by gossip (Ensemble's stable). Counts the reliable casts delivered from each sender, and
 * multicasts those counts unreliably when they changed: at the next tick, or at once after a burst of
 * deliveries. While they stay the same it repeats them now and then, first soon, then exponentially less often
 * (up to {@code refreshMaxNanos} apart): so a lost gossip is repaired quickly after traffic, and an idle group
 * sends next to nothing. From everyone's counts it
 * derives, per sender, how many casts every member has delivered (stable: the sender may free them) and how many
 * some member has (receivers that have fewer ask for the rest). It reports both as a STABLE event, down to the
 * reliability layer and up to flow control, whenever they change. A gossip claiming that this member's own
 * casts were delivered beyond what it has sent is impossible and dropped: believing it would free retransmit
 * buffers that others may still need.
 *
 * <p>When a view ends ({@link Event#FLUSH}), members that take no part in the flush no longer count: what the
 * survivors have all delivered is stable. A notice that finds no free event is sent on the next tick.
 *
 * <pre>
 * GOSSIP: kind(1)=STABLE_GOSSIP  members(1)  { delivered(4) } * members
 * </pre>
 */
public final class Stable extends Layer {
    private final long gossipNanos;
    private final int gossipEvery;
    private final long refreshMaxNanos;

    private long[][] delivered;
    /**
     * This member's reliable casts: those sent down through here, and those a layer below made itself (a
     * sequencer's decisions, seen when they come up still carrying that layer's header bit). Others may deliver
     * them before this member does (total order), so this, not its own deliveries, bounds what gossip may claim.
     */
    private long ownSent;
    private long[] stable;
    private long[] highest;
    private boolean[] excluded;
    private boolean reportDown;
    private boolean reportUp;
    private int sinceGossip;
    /** This member's counts changed since it last gossiped them. */
    private boolean changed;
    /** A gossip went out since the last tick: the next refresh is counted from that tick. */
    private boolean sentSinceTick;
    private long refreshNanos;
    private long nextRefresh;

    private AtomicCounter gossipSent;
    private AtomicCounter gossipReceived;
    private AtomicCounter truncated;
    private AtomicCounter impossible;
    private AtomicCounter noEvent;

    /**
     * @param gossipNanos how soon changed delivery counts are gossiped (the tick)
     * @param gossipEvery also gossip after this many deliveries, so a busy sender is not held to the tick
     * @param refreshMaxNanos unchanged counts are repeated after 2 ticks, then twice as long each time, up to this
     */
    public Stable(long gossipNanos, int gossipEvery, long refreshMaxNanos) {
        if (gossipNanos <= 0 || refreshMaxNanos < gossipNanos) {
            throw new IllegalArgumentException("stable needs a positive gossip tick and a refresh of at least one"
                + " tick, had gossip=" + gossipNanos + "ns refresh=" + refreshMaxNanos + "ns");
        }
        this.gossipNanos = gossipNanos;
        this.gossipEvery = Math.max(1, gossipEvery);
        this.refreshMaxNanos = refreshMaxNanos;
        this.refreshNanos = gossipNanos;
    }

    @Override
    public String name() {
        return "stable";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public int provides() {
        return Services.STABILITY;
    }

    @Override
    public int requiresBelow() {
        return Services.FIFO_CAST;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        if (2 + 4 * members > context.maxFragmentPayload()) {
            throw new IllegalArgumentException("stable gossip for " + members + " members does not fit one packet");
        }
        delivered = new long[members][members];
        stable = new long[members];
        highest = new long[members];
        excluded = new boolean[members];
        gossipSent = context.counter("gossip sent");
        gossipReceived = context.counter("gossip received");
        truncated = context.counter("dropped truncated");
        impossible = context.counter("dropped impossible counts");
        noEvent = context.counter("deferred no event");
    }

    @Override
    public long tickIntervalNanos() {
        return gossipNanos;
    }

    @Override
    public void up(Event event) {
        if (event.type != Event.CAST) {
            ctx.up(event);
            return;
        }
        if (!event.unreliable) {
            if (event.peer == ctx.rank() && ctx.madeBelow(event)) {
                ownSent++;
            }
            delivered[ctx.rank()][event.peer]++;
            ctx.up(event);
            if (++sinceGossip >= gossipEvery) {
                gossip(true);
                ctx.tickSoon();
            } else if (!changed) {
                changed = true;
                ctx.tickSoon();
            }
            return;
        }
        if ((event.headers & ctx.headerBit()) == 0) {
            ctx.up(event);
            return;
        }
        onGossip(event);
    }

    private void onGossip(Event event) {
        UnsafeBuffer buffer = event.payload.buffer();
        int members = ctx.groupSize();
        int at = event.payload.pull(2 + 4 * members);
        if (at < 0 || buffer.getByte(at) != WireIds.STABLE_GOSSIP || (buffer.getByte(at + 1) & 0xFF) != members) {
            truncated.incrementRelease();
            ctx.release(event);
            return;
        }
        long[] theirs = delivered[event.peer];
        int me = ctx.rank();
        long mine = Seqnos.widen(buffer.getInt(at + 2 + 4 * me, WireIds.ORDER), theirs[me]);
        if (mine > ownSent) {
            impossible.incrementRelease();
            ctx.release(event);
            return;
        }
        gossipReceived.incrementRelease();
        for (int origin = 0; origin < members; origin++) {
            int wire = buffer.getInt(at + 2 + 4 * origin, WireIds.ORDER);
            theirs[origin] = Math.max(theirs[origin], Seqnos.widen(wire, theirs[origin]));
        }
        ctx.release(event);
        recompute();
    }

    @Override
    public void down(Event event) {
        if (event.type == Event.CAST && !event.unreliable) {
            ownSent++;
        }
        if (event.type == Event.FLUSH) {
            for (int member = 0; member < ctx.groupSize(); member++) {
                excluded[member] |= event.vector[member] != 0;
            }
            ctx.down(event);
            recompute();
            return;
        }
        ctx.down(event);
    }

    @Override
    public void tick(long now) {
        if (changed) {
            gossip(true);
        } else if (now >= nextRefresh) {
            gossip(false);
        }
        if (sentSinceTick) {
            sentSinceTick = false;
            nextRefresh = now + refreshNanos;
        }
        report();
    }

    /** Soon while counts changed or a notice is owed; else at the next refresh. */
    @Override
    public long nextTick(long now) {
        return changed || reportDown || reportUp ? now + gossipNanos : Math.max(nextRefresh, now + gossipNanos);
    }

    /** Gossips this member's counts: {@code change} if they moved since last sent, else as a refresh. */
    private void gossip(boolean change) {
        sinceGossip = 0;
        int members = ctx.groupSize();
        if (members == 1) {
            changed = false;
            nextRefresh = Long.MAX_VALUE;
            recompute();
            return;
        }
        Event gossip = ctx.newControlMessage(Event.CAST, Transport.ALL, 2 + 4 * members);
        if (gossip == null) {
            noEvent.incrementRelease();
            changed |= change;
            return;
        }
        changed = false;
        refreshNanos = change ? 2 * gossipNanos : Math.min(2 * refreshNanos, refreshMaxNanos);
        sentSinceTick = true;
        UnsafeBuffer buffer = gossip.payload.buffer();
        int at = gossip.payload.index(0);
        buffer.putByte(at, WireIds.STABLE_GOSSIP);
        buffer.putByte(at + 1, (byte) members);
        long[] mine = delivered[ctx.rank()];
        for (int origin = 0; origin < members; origin++) {
            buffer.putInt(at + 2 + 4 * origin, Seqnos.toWire(mine[origin]), WireIds.ORDER);
        }
        gossip.headers = ctx.headerBit();
        gossipSent.incrementRelease();
        ctx.down(gossip);
        recompute();
    }

    /** Derives the stable and highest vectors and reports them if either moved. */
    private void recompute() {
        int members = ctx.groupSize();
        boolean changed = false;
        for (int origin = 0; origin < members; origin++) {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int member = 0; member < members; member++) {
                if (!excluded[member]) {
                    min = Math.min(min, delivered[member][origin]);
                }
                max = Math.max(max, delivered[member][origin]);
            }
            if (min > stable[origin] || max > highest[origin]) {
                changed = true;
                stable[origin] = Math.max(stable[origin], min);
                highest[origin] = Math.max(highest[origin], max);
            }
        }
        if (changed) {
            reportDown = true;
            reportUp = true;
            report();
        }
    }

    /** Sends the notices due, each down to the reliability layer and up to flow control; else ticks soon. */
    private void report() {
        if (reportDown) {
            reportDown = !notify(true);
        }
        if (reportUp) {
            reportUp = !notify(false);
        }
        if (reportDown || reportUp) {
            ctx.tickSoon();
        }
    }

    private boolean notify(boolean down) {
        Event notice = ctx.acquire();
        if (notice == null) {
            noEvent.incrementRelease();
            return false;
        }
        notice.type = Event.STABLE;
        System.arraycopy(stable, 0, notice.vector, 0, stable.length);
        System.arraycopy(highest, 0, notice.vector2, 0, highest.length);
        if (down) {
            ctx.down(notice);
        } else {
            ctx.up(notice);
        }
        return true;
    }

    @Override
    public String dump() {
        return "stable stable=" + java.util.Arrays.toString(stable) + " highest=" + java.util.Arrays.toString(highest);
    }
}
