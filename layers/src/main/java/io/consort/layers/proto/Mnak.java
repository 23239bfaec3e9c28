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
 * Reliable FIFO multicast with negative acknowledgements (Ensemble's mnak), and the message half of a flush.
 *
 * <p>Each reliable cast gets the next sequence number of its sender. Every member keeps every origin's casts,
 * its own included, until the stable layer reports that every member has delivered them: so the origin can
 * resend them, and so can anyone else when the origin has failed. Receivers deliver each origin's casts in
 * order, keep early ones within a window, and on a timer ask for the runs they miss; they learn of casts they
 * never saw (lost tails) from the stability gossip, and ask for those only after a few quiet ticks, since gossip
 * can overtake casts still on their way. A request that brings nothing for a whole wait goes next to another
 * member, which keeps the casts too (and may have a better path), then to the origin again. A member's own casts
 * are delivered to itself here. The timer
 * runs only while something is missing or a cut is under way.
 *
 * <p>When a view ends and every survivor has drained ({@link Event#DRAIN}), gmp sends {@link Event#BLOCK}
 * down: mnak stops delivering and answers with what it has
 * delivered of each origin ({@link Event#BLOCK_OK}). Gmp's coordinator gathers these and sends a
 * {@link Event#CUT}: deliver each origin's casts up to the largest count any survivor reported, asking a
 * survivor that has them; mnak answers {@link Event#CUT_DONE} once it has. So every survivor delivers the same
 * casts of the ending view. Delivery may start again (a restarted flush) with another BLOCK and CUT.
 *
 * <pre>
 * DATA:    kind(1)=MNAK_DATA    seqno(4)
 * REPAIR:  kind(1)=MNAK_REPAIR  origin(1) seqno(4)
 * NAK:     kind(1)=MNAK_NAK     origin(1) runs(1)  { from(4) count(2) } * runs
 * </pre>
 */
public final class Mnak extends Layer {
    static final int DATA_LENGTH = 5;
    static final int REPAIR_LENGTH = 6;
    static final int MAX_NAK_RUNS = 32;
    static final int NAK_RUN_LENGTH = 6;
    static final int NAK_LENGTH = 3 + MAX_NAK_RUNS * NAK_RUN_LENGTH;
    private static final long NO_LIMIT = Long.MAX_VALUE;
    private static final long NEVER = Long.MIN_VALUE / 2;
    /** The longest a receiver waits for a repair before asking again, however slow the path. */
    static final long MAX_REPAIR_WAIT_NANOS = 2_000_000_000L;
    /** Ticks without stability progress before the last own cast is resent, then twice as many, up to the max. */
    static final int PROBE_TICKS = 8;
    static final int MAX_PROBE_TICKS = 512;
    /** Stalled ticks before asking for casts known only from the others' gossip (see {@link #tick}). */
    static final int GOSSIP_GAP_TICKS = 4;

    private final int window;
    private final long nakIntervalNanos;

    private RetransmitWindow[] kept;
    private ReceiveWindow[] received;
    private long[] highestKnown;
    /** Per origin, past the highest cast that arrived (or a cut named): below it, a hole is a loss. */
    private long[] highestArrived;
    private int[] gossipGapTicks;
    private long[] expectedAtLastTick;
    /**
     * Per origin, NAK pacing that follows what the path carries: a NAK asks again for a run only after
     * {@code repairWait}, twice the time the last repair took to start arriving (at least one tick), doubled
     * while nothing arrives. On a slow or congested link, repairs queued behind data are not asked for again
     * and again (a retransmission storm); on a fast one a lost packet is asked for within a tick or two.
     */
    private long[] lastNakAt;
    private long[] expectedAtNak;
    private long[] repairWait;
    private boolean[] timingRepair;
    private long[] limit;
    private int[] askFrom;
    /** Per origin, the last member other than the origin asked for its casts. */
    private int[] peerAsked;
    private boolean cutPending;
    /** The oldest unstable own cast at the last tick, and for how many ticks it has not moved. */
    private long probeBase = -1;
    private int quietTicks;
    private int probeAfter = PROBE_TICKS;
    private AtomicCounter tailProbes;

    private AtomicCounter castsSent;
    private AtomicCounter castsDelivered;
    private AtomicCounter duplicates;
    private AtomicCounter outOfWindow;
    private AtomicCounter truncated;
    private AtomicCounter badOrigin;
    private AtomicCounter missingHeader;
    private AtomicCounter naksSent;
    private AtomicCounter naksReceived;
    private AtomicCounter retransmitted;
    private AtomicCounter repaired;
    private AtomicCounter heldKeptFull;
    private AtomicCounter noEvent;

    /**
     * @param window casts per sender kept for retransmission and accepted ahead of the next expected one
     * @param nakIntervalNanos how often missing casts are asked for
     */
    public Mnak(int window, long nakIntervalNanos) {
        if (window < 2 || Integer.bitCount(window) != 1) {
            throw new IllegalArgumentException("mnak window must be a power of two of at least 2, was " + window);
        }
        this.window = window;
        this.nakIntervalNanos = nakIntervalNanos;
    }

    @Override
    public String name() {
        return "mnak";
    }

    @Override
    public int maxHeaderLength() {
        return REPAIR_LENGTH;
    }

    @Override
    public int provides() {
        return Services.FIFO_CAST;
    }

    @Override
    public int requiresAbove() {
        return Services.STABILITY | Services.FLOW_CONTROL;
    }

    public int window() {
        return window;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        kept = RetransmitWindow.perMember(members, window, context.frames());
        received = ReceiveWindow.perMember(members, window);
        highestKnown = new long[members];
        highestArrived = new long[members];
        gossipGapTicks = new int[members];
        expectedAtLastTick = new long[members];
        lastNakAt = new long[members];
        java.util.Arrays.fill(lastNakAt, NEVER);
        expectedAtNak = new long[members];
        repairWait = new long[members];
        java.util.Arrays.fill(repairWait, nakIntervalNanos);
        timingRepair = new boolean[members];
        limit = new long[members];
        java.util.Arrays.fill(limit, NO_LIMIT);
        askFrom = new int[members];
        peerAsked = new int[members];
        for (int origin = 0; origin < members; origin++) {
            askFrom[origin] = origin;
        }
        castsSent = context.counter("casts sent");
        castsDelivered = context.counter("casts delivered");
        duplicates = context.counter("dropped duplicate");
        outOfWindow = context.counter("dropped out of window");
        truncated = context.counter("dropped truncated");
        badOrigin = context.counter("dropped bad origin");
        missingHeader = context.counter("dropped reliable cast without header");
        naksSent = context.counter("naks sent");
        naksReceived = context.counter("naks received");
        retransmitted = context.counter("retransmitted");
        repaired = context.counter("repairs sent");
        heldKeptFull = context.counter("delivery held until stable");
        tailProbes = context.counter("tail probes sent");
        noEvent = context.counter("deferred no event");
    }

    /** Early casts in the receive window, and delivered ones kept until stable: a window of each per origin. */
    @Override
    public int maxReceiveFramesHeld() {
        return 2 * (ctx.groupSize() - 1) * window;
    }

    @Override
    public int maxEventsHeld() {
        return (ctx.groupSize() - 1) * window;
    }

    @Override
    public long tickIntervalNanos() {
        return nakIntervalNanos;
    }

    @Override
    public void down(Event event) {
        switch (event.type) {
            case Event.STABLE:
                onStable(event);
                ctx.release(event);
                return;
            case Event.DRAIN:
                event.type = Event.DRAINED;
                ctx.up(event);
                return;
            case Event.BLOCK:
                onBlock(event);
                return;
            case Event.CUT:
                onCut(event);
                return;
            case Event.CAST:
                if (!event.unreliable) {
                    castOwn(event);
                    return;
                }
                ctx.down(event);
                return;
            default:
                ctx.down(event);
        }
    }

    private void castOwn(Event event) {
        int me = ctx.rank();
        long seqno = kept[me].retain(event);
        castsSent.incrementRelease();
        ctx.tickSoon();
        if (ctx.groupSize() > 1) {
            transmit(me, seqno, event.peer);
        }
        event.peer = me;
        event.seqno = seqno;
        castsDelivered.incrementRelease();
        ctx.up(event);
    }

    /** Sends the kept cast {@code seqno} of {@code origin} to {@code destination}; false if no event was free. */
    private boolean transmit(int origin, long seqno, int destination) {
        Event copy = ctx.acquire();
        if (copy == null) {
            noEvent.incrementRelease();
            return false;
        }
        copy.type = Event.CAST;
        copy.peer = destination;
        kept[origin].copyTo(seqno, copy);
        copy.headers |= ctx.headerBit();
        UnsafeBuffer buffer = copy.payload.buffer();
        if (origin == ctx.rank()) {
            int at = copy.payload.push(DATA_LENGTH);
            buffer.putByte(at, WireIds.MNAK_DATA);
            buffer.putInt(at + 1, Seqnos.toWire(seqno), WireIds.ORDER);
        } else {
            int at = copy.payload.push(REPAIR_LENGTH);
            buffer.putByte(at, WireIds.MNAK_REPAIR);
            buffer.putByte(at + 1, (byte) origin);
            buffer.putInt(at + 2, Seqnos.toWire(seqno), WireIds.ORDER);
        }
        ctx.down(copy);
        return true;
    }

    @Override
    public void up(Event event) {
        if (event.type != Event.CAST) {
            ctx.up(event);
            return;
        }
        if ((event.headers & ctx.headerBit()) == 0) {
            if (event.unreliable) {
                ctx.up(event);
            } else {
                drop(event, missingHeader);
            }
            return;
        }
        int at = event.payload.pull(1);
        if (at < 0) {
            drop(event, truncated);
            return;
        }
        byte kind = event.payload.buffer().getByte(at);
        if (kind == WireIds.MNAK_DATA) {
            onData(event, event.peer, DATA_LENGTH - 1);
        } else if (kind == WireIds.MNAK_REPAIR) {
            int originAt = event.payload.pull(1);
            int origin = originAt < 0 ? -1 : event.payload.buffer().getByte(originAt) & 0xFF;
            if (origin < 0 || origin >= ctx.groupSize() || origin == ctx.rank()) {
                drop(event, badOrigin);
                return;
            }
            onData(event, origin, REPAIR_LENGTH - 2);
        } else if (kind == WireIds.MNAK_NAK) {
            onNak(event);
        } else {
            drop(event, truncated);
        }
    }

    private void onData(Event event, int origin, int seqnoOffsetLength) {
        int at = event.payload.pull(seqnoOffsetLength);
        if (at < 0 || event.unreliable) {
            drop(event, truncated);
            return;
        }
        ReceiveWindow from = received[origin];
        long seqno = Seqnos.widen(event.payload.buffer().getInt(at, WireIds.ORDER), from.expected());
        event.peer = origin;
        event.seqno = seqno;
        event.headers &= ~ctx.headerBit();
        int verdict = from.offer(event, seqno);
        if (verdict != ReceiveWindow.ACCEPTED) {
            drop(event, verdict == ReceiveWindow.DUPLICATE ? duplicates : outOfWindow);
            return;
        }
        highestKnown[origin] = Math.max(highestKnown[origin], seqno + 1);
        highestArrived[origin] = Math.max(highestArrived[origin], seqno + 1);
        deliver(origin);
        if (missing(origin)) {
            ctx.tickSoon();
        }
    }

    /** True while casts of {@code origin} that this member knows of (and may deliver) have not arrived. */
    private boolean missing(int origin) {
        return received[origin].expected() < Math.min(highestKnown[origin], limit[origin]);
    }

    /** Delivers origin's casts in order, up to the limit a flush set, while there is room to keep them. */
    private void deliver(int origin) {
        ReceiveWindow from = received[origin];
        RetransmitWindow keep = kept[origin];
        while (from.expected() < limit[origin] && from.holdsNext()) {
            if (keep.isFull()) {
                heldKeptFull.incrementRelease();
                return;
            }
            Event next = from.poll();
            keep.retain(next);
            castsDelivered.incrementRelease();
            ctx.up(next);
        }
        checkCutDone();
    }

    private void onNak(Event event) {
        naksReceived.incrementRelease();
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.pull(2);
        int origin = at < 0 ? -1 : buffer.getByte(at) & 0xFF;
        int runs = at < 0 ? 0 : buffer.getByte(at + 1) & 0xFF;
        if (at < 0 || origin >= ctx.groupSize()) {
            drop(event, truncated);
            return;
        }
        RetransmitWindow copies = kept[origin];
        int requester = event.peer;
        for (int r = 0; r < runs; r++) {
            int run = event.payload.pull(NAK_RUN_LENGTH);
            if (run < 0) {
                truncated.incrementRelease();
                break;
            }
            long from = Math.max(copies.base(), Seqnos.widen(buffer.getInt(run, WireIds.ORDER), copies.base()));
            long to = Math.min(copies.next(), from + (buffer.getShort(run + 4, WireIds.ORDER) & 0xFFFF));
            for (long seqno = from; seqno < to; seqno++) {
                if (!transmit(origin, seqno, requester)) {
                    break;
                }
                (origin == ctx.rank() ? retransmitted : repaired).incrementRelease();
            }
        }
        ctx.release(event);
    }

    /** Frees casts every member has delivered, and learns of casts this member has not seen yet. */
    private void onStable(Event event) {
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            kept[origin].releaseBelow(event.vector[origin]);
            if (origin != ctx.rank()) {
                highestKnown[origin] = Math.max(highestKnown[origin], event.vector2[origin]);
                deliver(origin);
                if (missing(origin)) {
                    ctx.tickSoon();
                }
            }
        }
    }

    /** Stops delivering and reports, per origin, how many casts this member has delivered. */
    private void onBlock(Event event) {
        cutPending = false;
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            limit[origin] = delivered(origin);
            event.vector[origin] = limit[origin];
        }
        event.type = Event.BLOCK_OK;
        ctx.up(event);
    }

    /** Delivers every origin's casts up to the cut, asking the member the cut names for what is missing. */
    private void onCut(Event event) {
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            limit[origin] = Math.max(delivered(origin), event.vector[origin]);
            int holder = (int) event.vector2[origin];
            askFrom[origin] = holder >= 0 && holder < ctx.groupSize() && holder != ctx.rank() ? holder : origin;
            if (origin != ctx.rank()) {
                highestKnown[origin] = Math.max(highestKnown[origin], limit[origin]);
                highestArrived[origin] = Math.max(highestArrived[origin], limit[origin]);
            }
        }
        ctx.release(event);
        cutPending = true;
        // A cut asks a member that has the casts, often not their origin: ask at once, not at a learned pace.
        java.util.Arrays.fill(lastNakAt, NEVER);
        java.util.Arrays.fill(repairWait, nakIntervalNanos);
        ctx.tickSoon();
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            if (origin != ctx.rank()) {
                deliver(origin);
            }
        }
        checkCutDone();
    }

    private long delivered(int origin) {
        return origin == ctx.rank() ? kept[origin].next() : received[origin].expected();
    }

    private void checkCutDone() {
        if (!cutPending) {
            return;
        }
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            if (delivered(origin) < limit[origin]) {
                return;
            }
        }
        Event done = ctx.acquire();
        if (done == null) {
            noEvent.incrementRelease();
            return;
        }
        cutPending = false;
        done.type = Event.CUT_DONE;
        ctx.up(done);
    }

    /** Asks for the runs still missing since the last tick; retries a cut's report if no event was free. */
    @Override
    public void tick(long now) {
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            if (origin == ctx.rank()) {
                continue;
            }
            deliver(origin);
            long expected = received[origin].expected();
            long wanted = Math.min(highestKnown[origin], limit[origin]);
            boolean stalled = expected < wanted && expected == expectedAtLastTick[origin];
            expectedAtLastTick[origin] = expected;
            if (timingRepair[origin] && expected > expectedAtNak[origin]) {
                // The first progress since the NAK: how long a repair takes over this path now.
                timingRepair[origin] = false;
                repairWait[origin] = Math.max(nakIntervalNanos, Math.min(MAX_REPAIR_WAIT_NANOS,
                    2 * (now - lastNakAt[origin])));
            }
            // A hole below a cast that arrived is a loss (each origin's packets keep their order), but casts known
            // only from the others' gossip may still be on their way from the origin: under overload its sender
            // can lag the gossip by a scheduling slice, and asking at once would only bring duplicates.
            boolean lossSeen = expected < Math.min(highestArrived[origin], limit[origin]);
            gossipGapTicks[origin] = stalled && !lossSeen ? gossipGapTicks[origin] + 1 : 0;
            boolean due = lossSeen || gossipGapTicks[origin] > GOSSIP_GAP_TICKS;
            if (stalled && due && now - lastNakAt[origin] >= repairWait[origin]) {
                boolean noProgress = expected == expectedAtNak[origin] && lastNakAt[origin] != NEVER;
                if (sendNak(origin, wanted)) {
                    if (noProgress) {
                        // A whole wait without progress: the path is lossy or full; ask less often, and ask
                        // someone else next.
                        repairWait[origin] = Math.min(MAX_REPAIR_WAIT_NANOS, 2 * repairWait[origin]);
                        if (!cutPending) {
                            askFrom[origin] = nextToAsk(origin);
                        }
                    }
                    lastNakAt[origin] = now;
                    expectedAtNak[origin] = expected;
                    timingRepair[origin] = true;
                }
            }
        }
        checkCutDone();
        probeTail();
    }

    /**
     * Resends this member's last cast when its casts have stayed unstable for a while with no progress: a member
     * that lost the tail of a burst learns of it only from a later cast or from the others' stability gossip,
     * and when the others cannot deliver without it either (a total-order sequencer missed it, so nobody orders
     * what follows) neither comes. Those that lack it learn it exists and ask for the rest; the others drop a
     * duplicate. Backs off while nothing moves, so a slow member costs little.
     */
    private void probeTail() {
        RetransmitWindow own = kept[ctx.rank()];
        if (own.isEmpty() || ctx.groupSize() == 1 || own.base() != probeBase) {
            probeBase = own.base();
            quietTicks = 0;
            probeAfter = PROBE_TICKS;
            return;
        }
        if (++quietTicks < probeAfter) {
            return;
        }
        quietTicks = 0;
        probeAfter = Math.min(2 * probeAfter, MAX_PROBE_TICKS);
        if (transmit(ctx.rank(), own.next() - 1, Transport.ALL)) {
            tailProbes.incrementRelease();
        }
    }

    /** Soon while casts are missing or a cut's report is owed; else not until {@code tickSoon}. */
    @Override
    public long nextTick(long now) {
        if (cutPending || (!kept[ctx.rank()].isEmpty() && ctx.groupSize() > 1)) {
            return now + nakIntervalNanos;
        }
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            if (origin != ctx.rank() && missing(origin)) {
                return now + nakIntervalNanos;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Whom to ask for origin's casts after a request that brought nothing: another member in turn, then the origin
     * again, and so on. Every member keeps every origin's casts until they are stable, so one whose path to this
     * member is better than the origin's can repair them; the one that answered stays the one asked. Going back
     * to the origin in between bounds the detour when only the origin has them.
     */
    private int nextToAsk(int origin) {
        if (askFrom[origin] != origin) {
            return origin;
        }
        int members = ctx.groupSize();
        int peer = peerAsked[origin];
        for (int i = 0; i < members; i++) {
            peer = (peer + 1) % members;
            if (peer != origin && peer != ctx.rank()) {
                peerAsked[origin] = peer;
                return peer;
            }
        }
        return origin;
    }

    /**
     * Asks for the runs of origin's casts below {@code wanted} that have not arrived. Sends nothing when every one
     * has arrived and delivery only waits for room to keep them (stability), or when no event is free.
     *
     * @return whether a NAK went out
     */
    private boolean sendNak(int origin, long wanted) {
        Event nak = ctx.newControlMessage(Event.CAST, askFrom[origin], NAK_LENGTH);
        if (nak == null) {
            noEvent.incrementRelease();
            return false;
        }
        UnsafeBuffer buffer = nak.payload.buffer();
        int at = nak.payload.index(0);
        ReceiveWindow arrived = received[origin];
        long end = Math.min(wanted, arrived.expected() + window);
        int runs = 0;
        long seqno = arrived.expected();
        while (seqno < end && runs < MAX_NAK_RUNS) {
            if (arrived.holds(seqno)) {
                seqno++;
                continue;
            }
            long from = seqno;
            while (seqno < end && seqno - from < 0xFFFF && !arrived.holds(seqno)) {
                seqno++;
            }
            int run = at + 3 + runs * NAK_RUN_LENGTH;
            buffer.putInt(run, Seqnos.toWire(from), WireIds.ORDER);
            buffer.putShort(run + 4, (short) (seqno - from), WireIds.ORDER);
            runs++;
        }
        if (runs == 0) {
            ctx.release(nak);
            return false;
        }
        buffer.putByte(at, WireIds.MNAK_NAK);
        buffer.putByte(at + 1, (byte) origin);
        buffer.putByte(at + 2, (byte) runs);
        nak.payload.truncate(3 + runs * NAK_RUN_LENGTH);
        nak.headers = ctx.headerBit();
        naksSent.incrementRelease();
        ctx.down(nak);
        return true;
    }

    private void drop(Event event, AtomicCounter reason) {
        reason.incrementRelease();
        ctx.release(event);
    }

    @Override
    public void close() {
        for (RetransmitWindow copies : kept) {
            copies.clear();
        }
        for (ReceiveWindow window : received) {
            window.clear(ctx);
        }
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder("mnak");
        for (int origin = 0; origin < received.length; origin++) {
            out.append(" [").append(origin).append(": delivered=").append(delivered(origin)).append(" kept=")
                .append(kept[origin].base()).append(" known=").append(highestKnown[origin]);
            if (limit[origin] != NO_LIMIT) {
                out.append(" limit=").append(limit[origin]);
            }
            out.append(']');
        }
        return out.toString();
    }
}
