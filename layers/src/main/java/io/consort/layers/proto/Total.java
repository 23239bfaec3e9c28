package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.EventQueue;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Total order by a sequencer's batched decisions (Ensemble's seqbb). Every member casts at once over reliable
 * FIFO multicast; receivers hold each cast here. The view's rank 0 is the sequencer: it numbers the casts in the
 * order they reach it and, once per duty cycle ({@link #flush()}), casts that order as runs, "the next k casts of
 * origin o", which need no sequence numbers because each origin's casts arrive in FIFO order. Every member, the
 * sequencer included, delivers in the order of the decisions as they reach it. A decision takes its own place in
 * the order right after the casts it orders, so each origin's messages, decisions included, pass up in FIFO order
 * and stability counts stay those of the reliability layer below.
 *
 * <p>Why this design and not a fixed sequencer that re-casts everything (JGroups' SEQUENCER): data goes out once,
 * straight from its origin, and the sequencer adds one small packet per duty cycle however many casts it orders;
 * and at a view change nothing a sender handed to the view can be lost between it and the sequencer, because the
 * casts and the decisions both sit in the reliable multicast streams the flush already makes consistent.
 *
 * <p>Across view changes: the flush delivers to every survivor the same casts and the same decisions (both are
 * casts), so every survivor delivers the same ordered prefix. When the view ends ({@link #endView()}), runs that
 * name casts no survivor has (their origin and the sequencer both failed) are void, and the casts no decision
 * ordered are delivered by origin rank, then FIFO: every member that installs the same next view delivers the
 * same sequence, and the view change sits at the same point of each member's delivery stream. Delivery waits
 * for the view's end, not the cut, because a restarted flush may still bring casts after a first cut.
 *
 * <p>Bounds: place stable and flow above this layer. Stability then counts a cast only once it is delivered
 * in order everywhere, so each origin has at most its flow window of casts held here; the sequencer sends at most
 * {@code decisions} decisions not yet stable, and the stack checks that mnak's window covers the flow window
 * plus those, so no reliability window ever fills and decisions always get through. A message larger than the
 * whole flow window is the exception: its last packets wait in flow for window room, so if the sequencer fails
 * while it is being sent its sender cannot drain and is excluded by the flush's timeout (it rejoins as a new
 * incarnation); keep messages within the window, or the window above the largest message.
 *
 * <pre>
 * ORDER: kind(1)=TOTAL_ORDER  runs(2)  { origin(1) count(2) } * runs
 * </pre>
 */
public final class Total extends Layer {
    static final int SEQUENCER = 0;
    static final int HEADER_LENGTH = 3;
    static final int RUN_LENGTH = 3;

    private final int decisionWindow;
    private final int window;
    private final long retryNanos;

    private EventQueue[] held;
    /** Flush notices that came up during a delivery, passed on after it. */
    private final EventQueue notices = new EventQueue(8);
    private OrderRuns order;
    private OrderRuns batch;
    private boolean sequencer;
    private int maxRuns;
    /** This member's reliable casts sent in the view, decisions included: the index of the next in its stream. */
    private long ownSent;
    /** Stream indices of the decisions sent and not yet known stable, oldest first. */
    private long[] unstableDecisions;
    private int unstableHead;
    private int unstableCount;
    private boolean draining;
    private boolean retry;
    private boolean viewOver;
    private boolean delivering;

    private AtomicCounter ordered;
    private AtomicCounter decisionsSent;
    private AtomicCounter decisionsReceived;
    private AtomicCounter deferredWindow;
    private AtomicCounter deferredNoEvent;
    private AtomicCounter malformed;
    private AtomicCounter foreign;
    private AtomicCounter inconsistent;
    private AtomicCounter voidOrderings;
    private AtomicCounter unordered;

    /**
     * @param decisions the most decisions the sequencer sends that are not yet stable
     * @param window the most casts of one origin that can be unstable at once: mnak's window
     * @param retryNanos how soon a decision that found no free event is tried again
     */
    public Total(int decisions, int window, long retryNanos) {
        if (decisions < 1 || window < 1 || retryNanos <= 0) {
            throw new IllegalArgumentException("total needs positive decisions, window and retry, had decisions="
                + decisions + " window=" + window + " retry=" + retryNanos + "ns");
        }
        this.decisionWindow = decisions;
        this.window = window;
        this.retryNanos = retryNanos;
    }

    @Override
    public String name() {
        return "total";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public int provides() {
        return Services.TOTAL_ORDER;
    }

    @Override
    public int requiresBelow() {
        return Services.FIFO_CAST;
    }

    @Override
    public int requiresAbove() {
        return Services.STABILITY | Services.FLOW_CONTROL;
    }

    public int decisionWindow() {
        return decisionWindow;
    }

    public int window() {
        return window;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        held = new EventQueue[members];
        for (int origin = 0; origin < members; origin++) {
            held[origin] = new EventQueue(window + decisionWindow);
        }
        int casts = members * (window + decisionWindow);
        order = new OrderRuns(2 * casts);
        sequencer = context.rank() == SEQUENCER;
        batch = new OrderRuns(sequencer ? casts : 2);
        maxRuns = Math.min(0xFFFF, (context.maxFragmentPayload() - HEADER_LENGTH) / RUN_LENGTH);
        unstableDecisions = new long[decisionWindow];
        ordered = context.counter("casts delivered in order");
        decisionsSent = context.counter("decisions sent");
        decisionsReceived = context.counter("decisions received");
        deferredWindow = context.counter("decisions deferred window full");
        deferredNoEvent = context.counter("decisions deferred no event");
        malformed = context.counter("dropped malformed decisions");
        foreign = context.counter("decisions from a non-sequencer");
        inconsistent = context.counter("inconsistent decisions");
        voidOrderings = context.counter("orderings void at view end");
        unordered = context.counter("casts delivered unordered at view end");
    }

    @Override
    public int maxEventsHeld() {
        return ctx.groupSize() * window + decisionWindow;
    }

    @Override
    public long tickIntervalNanos() {
        return retryNanos;
    }

    @Override
    public long nextTick(long now) {
        return retry ? now + retryNanos : Long.MAX_VALUE;
    }

    @Override
    public void tick(long now) {
        if (retry) {
            retry = false;
            ctx.flushSoon();
        }
    }

    @Override
    public void down(Event event) {
        switch (event.type) {
            case Event.CAST:
                if (!event.unreliable) {
                    ownSent++;
                }
                ctx.down(event);
                return;
            case Event.STABLE:
                onStable(event.vector[ctx.rank()]);
                ctx.down(event);
                return;
            case Event.DRAIN:
                if (sequencer) {
                    flush();
                    draining = true;
                }
                ctx.down(event);
                return;
            default:
                ctx.down(event);
        }
    }

    private void onStable(long stableOwn) {
        while (unstableCount > 0 && unstableDecisions[unstableHead] < stableOwn) {
            unstableHead = (unstableHead + 1) % decisionWindow;
            unstableCount--;
        }
        if (sequencer && !batch.isEmpty() && unstableCount < decisionWindow) {
            ctx.flushSoon();
        }
    }

    @Override
    public void up(Event event) {
        if (event.type == Event.DRAINED || event.type == Event.BLOCK_OK || event.type == Event.CUT_DONE) {
            if (delivering) {
                // A delivery below us re-entered: the flush's step must not overtake the casts still going up.
                notices.offer(event);
            } else {
                ctx.up(event);
            }
            return;
        }
        if (event.type != Event.CAST || event.unreliable) {
            ctx.up(event);
            return;
        }
        int origin = event.peer;
        if ((event.headers & ctx.headerBit()) != 0 && origin == SEQUENCER) {
            decisionsReceived.incrementRelease();
            readDecision(event);
            order.add(SEQUENCER, OrderRuns.SELF);
        } else {
            if ((event.headers & ctx.headerBit()) != 0) {
                foreign.incrementRelease();
            }
            if (sequencer && !draining) {
                batch.addOne(origin);
                ctx.flushSoon();
            }
        }
        if (!held[origin].offer(event)) {
            throw new IllegalStateException("total holds more casts of rank " + origin + " than its window of "
                + window + ": set total's window to at least mnak's, and keep flow and stable above total");
        }
        deliverOrdered();
    }

    /** Appends the decision's runs to the order; a malformed one orders nothing (and is counted). */
    private void readDecision(Event event) {
        int length = event.payload.length();
        if (event.payload.extentCount() != 1 || length < HEADER_LENGTH) {
            malformed.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.index(0);
        int runs = buffer.getShort(at + 1, WireIds.ORDER) & 0xFFFF;
        if (buffer.getByte(at) != WireIds.TOTAL_ORDER || length != HEADER_LENGTH + RUN_LENGTH * runs) {
            malformed.incrementRelease();
            return;
        }
        for (int i = 0, run = at + HEADER_LENGTH; i < runs; i++, run += RUN_LENGTH) {
            int origin = buffer.getByte(run) & 0xFF;
            int count = buffer.getShort(run + 1, WireIds.ORDER) & 0xFFFF;
            if (origin >= ctx.groupSize() || count == 0) {
                malformed.incrementRelease();
                continue;
            }
            order.add(origin, count);
        }
    }

    /**
     * Passes up, in decision order, every cast whose turn has come and which has arrived. Re-entered when a
     * delivery makes layers above send (and so this member receive its own cast): the outer loop goes on.
     */
    private void deliverOrdered() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            deliverRuns();
        } finally {
            delivering = false;
        }
        for (Event notice = notices.poll(); notice != null; notice = notices.poll()) {
            ctx.up(notice);
        }
    }

    private void deliverRuns() {
        while (!order.isEmpty()) {
            int origin = order.headOrigin();
            Event next = held[origin].peek();
            if (next == null) {
                if (!viewOver) {
                    return;
                }
                voidOrderings.incrementRelease();
                order.removeHead();
                continue;
            }
            boolean decision = origin == SEQUENCER && (next.headers & ctx.headerBit()) != 0;
            if (decision != (order.headCount() == OrderRuns.SELF)) {
                // Only a decision that names more sequencer casts than precede it gets here: skip the run.
                inconsistent.incrementRelease();
                order.removeHead();
                continue;
            }
            held[origin].poll();
            order.takeOne();
            if (!decision) {
                ordered.incrementRelease();
            }
            ctx.up(next);
        }
    }

    /** The sequencer casts the order of what reached it this duty cycle. */
    @Override
    public void flush() {
        while (sequencer && !draining && !batch.isEmpty()) {
            if (unstableCount == decisionWindow) {
                deferredWindow.incrementRelease();
                return;
            }
            int runs = Math.min(batch.size(), maxRuns);
            Event decision = ctx.newReliableControlMessage(Event.CAST, Transport.ALL,
                HEADER_LENGTH + RUN_LENGTH * runs);
            if (decision == null) {
                deferredNoEvent.incrementRelease();
                retry = true;
                ctx.tickSoon();
                return;
            }
            UnsafeBuffer buffer = decision.payload.buffer();
            int at = decision.payload.index(0);
            buffer.putByte(at, WireIds.TOTAL_ORDER);
            buffer.putShort(at + 1, (short) runs, WireIds.ORDER);
            for (int i = 0, run = at + HEADER_LENGTH; i < runs; i++, run += RUN_LENGTH) {
                buffer.putByte(run, (byte) batch.headOrigin());
                buffer.putShort(run + 1, (short) batch.headCount(), WireIds.ORDER);
                batch.removeHead();
            }
            decision.headers |= ctx.headerBit();
            unstableDecisions[(unstableHead + unstableCount++) % decisionWindow] = ownSent;
            decisionsSent.incrementRelease();
            down(decision);
        }
    }

    /**
     * Every cast of the view has arrived (the flush is over): orderings naming casts that never came are void,
     * and what no decision ordered goes up by origin rank, then FIFO.
     */
    @Override
    public void endView() {
        viewOver = true;
        deliverOrdered();
        for (int origin = 0; origin < held.length; origin++) {
            for (Event next = held[origin].poll(); next != null; next = held[origin].poll()) {
                if ((next.headers & ctx.headerBit()) == 0) {
                    unordered.incrementRelease();
                }
                ctx.up(next);
            }
        }
    }

    @Override
    public void close() {
        if (held == null) {
            return;
        }
        for (EventQueue queue : held) {
            for (Event event = queue.poll(); event != null; event = queue.poll()) {
                ctx.release(event);
            }
        }
        for (Event event = notices.poll(); event != null; event = notices.poll()) {
            ctx.release(event);
        }
        order.clear();
        batch.clear();
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder("total").append(sequencer ? " sequencer" : "").append(" order=")
            .append(order.size()).append(" batch=").append(batch.size()).append(" unstable=").append(unstableCount)
            .append(" held=[");
        for (int origin = 0; origin < held.length; origin++) {
            out.append(origin == 0 ? "" : " ").append(held[origin].size());
        }
        return out.append("]").toString();
    }
}
