package io.consort.layers.proto;

import io.consort.iovec.Account;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.EventQueue;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Window flow control for casts and sends. A member may have at most {@code castWindow} of its casts not yet
 * stable (delivered everywhere) and at most {@code sendWindow} sends per peer not yet acknowledged. An
 * application message enters the stack only when all its packets fit ({@link #admits}); until then it waits in
 * the application's ring, so a view change never waits for a window that only the ending view could open (a
 * total-order view whose sequencer failed). Messages of layers above that still find the window full wait here,
 * in order, holding their send frames. When the send account runs dry the member stops
 * taking application messages and the application sees back-pressure: a fast sender cannot exhaust a slow
 * member's memory, nor its own. Adds no header.
 *
 * <p>When a view ends, sends held for members that take no part in the flush ({@link Event#FLUSH}) are dropped
 * and counted, and {@link Event#DRAIN} is held here until every message held back has gone down: the flush then
 * covers everything the application handed to this view.
 */
public final class Flow extends Layer {
    private final int castWindow;
    private final int sendWindow;

    private long castsSent;
    private long castsStable;
    private EventQueue castsWaiting;
    private long[] sendsSent;
    private long[] sendsAcked;
    private EventQueue[] sendsWaiting;

    private boolean[] excluded;
    private Event drainQuery;

    private AtomicCounter castsHeld;
    private AtomicCounter sendsHeld;
    private AtomicCounter sendsToFailed;

    public Flow(int castWindow, int sendWindow) {
        if (castWindow < 1 || sendWindow < 1) {
            throw new IllegalArgumentException("flow windows must be positive, were " + castWindow + " and "
                + sendWindow);
        }
        this.castWindow = castWindow;
        this.sendWindow = sendWindow;
    }

    @Override
    public String name() {
        return "flow";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public int provides() {
        return Services.FLOW_CONTROL;
    }

    @Override
    public int requiresBelow() {
        return Services.STABILITY | Services.ACKS;
    }

    public int castWindow() {
        return castWindow;
    }

    public int sendWindow() {
        return sendWindow;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int capacity = context.frames().limit(Account.SEND);
        castsWaiting = new EventQueue(capacity);
        sendsSent = new long[context.groupSize()];
        sendsAcked = new long[context.groupSize()];
        sendsWaiting = new EventQueue[context.groupSize()];
        for (int peer = 0; peer < sendsWaiting.length; peer++) {
            sendsWaiting[peer] = new EventQueue(capacity);
        }
        excluded = new boolean[context.groupSize()];
        castsHeld = context.counter("casts held back");
        sendsToFailed = context.counter("sends to failed members dropped");
        sendsHeld = context.counter("sends held back");
    }

    /**
     * The application's message waits in its ring unless its every packet fits the window now, or, for a
     * message larger than the whole window, until nothing is outstanding (the rest then waits here).
     */
    @Override
    public boolean admits(int type, int peer, int packets) {
        if (type == Event.CAST) {
            long outstanding = castsSent - castsStable;
            return castsWaiting.isEmpty() && (outstanding + packets <= castWindow || outstanding == 0);
        }
        long outstanding = sendsSent[peer] - sendsAcked[peer];
        return excluded[peer] || sendsWaiting[peer].isEmpty() && (outstanding + packets <= sendWindow
            || outstanding == 0);
    }

    @Override
    public void down(Event event) {
        if (event.type == Event.FLUSH) {
            onFlush(event);
        } else if (event.type == Event.DRAIN) {
            if (drainQuery != null) {
                ctx.release(drainQuery);
            }
            drainQuery = event;
            passDrainWhenEmpty();
        } else if (event.unreliable) {
            ctx.down(event);
        } else if (event.type == Event.CAST) {
            if (castsWaiting.isEmpty() && castsSent - castsStable < castWindow) {
                castsSent++;
                ctx.down(event);
            } else {
                castsHeld.incrementRelease();
                park(castsWaiting, event);
            }
        } else if (event.type == Event.SEND) {
            int peer = event.peer;
            if (excluded[peer]) {
                sendsToFailed.incrementRelease();
                ctx.release(event);
            } else if (sendsWaiting[peer].isEmpty() && sendsSent[peer] - sendsAcked[peer] < sendWindow) {
                sendsSent[peer]++;
                ctx.down(event);
            } else {
                sendsHeld.incrementRelease();
                park(sendsWaiting[peer], event);
            }
        } else {
            ctx.down(event);
        }
    }

    private void onFlush(Event event) {
        for (int peer = 0; peer < excluded.length; peer++) {
            if (event.vector[peer] != 0 && !excluded[peer]) {
                excluded[peer] = true;
                for (Event held = sendsWaiting[peer].poll(); held != null; held = sendsWaiting[peer].poll()) {
                    sendsToFailed.incrementRelease();
                    ctx.release(held);
                }
            }
        }
        ctx.down(event);
        passDrainWhenEmpty();
    }

    private void passDrainWhenEmpty() {
        if (drainQuery == null || !castsWaiting.isEmpty()) {
            return;
        }
        for (EventQueue waiting : sendsWaiting) {
            if (!waiting.isEmpty()) {
                return;
            }
        }
        Event passing = drainQuery;
        drainQuery = null;
        ctx.down(passing);
    }

    private static void park(EventQueue queue, Event event) {
        if (!queue.offer(event)) {
            throw new IllegalStateException("flow queue overflow: more events than send frames");
        }
    }

    @Override
    public void up(Event event) {
        if (event.type == Event.STABLE) {
            castsStable = Math.max(castsStable, event.vector[ctx.rank()]);
            ctx.release(event);
            releaseCasts();
            passDrainWhenEmpty();
        } else if (event.type == Event.ACKED) {
            int peer = event.peer;
            sendsAcked[peer] = Math.max(sendsAcked[peer], event.seqno);
            ctx.release(event);
            releaseSends(peer);
            passDrainWhenEmpty();
        } else {
            if (event.type == Event.CAST && !event.unreliable && event.peer == ctx.rank()
                && ctx.madeBelow(event)) {
                // A reliable cast a layer below made itself (a sequencer's decision): stability counts it among
                // this member's casts, so it takes room in the window though it never passed down here.
                castsSent++;
            }
            ctx.up(event);
        }
    }

    private void releaseCasts() {
        while (!castsWaiting.isEmpty() && castsSent - castsStable < castWindow) {
            castsSent++;
            ctx.down(castsWaiting.poll());
        }
    }

    private void releaseSends(int peer) {
        EventQueue waiting = sendsWaiting[peer];
        while (!waiting.isEmpty() && sendsSent[peer] - sendsAcked[peer] < sendWindow) {
            sendsSent[peer]++;
            ctx.down(waiting.poll());
        }
    }

    @Override
    public void close() {
        if (drainQuery != null) {
            ctx.release(drainQuery);
            drainQuery = null;
        }
        drain(castsWaiting);
        for (EventQueue queue : sendsWaiting) {
            drain(queue);
        }
    }

    private void drain(EventQueue queue) {
        for (Event event = queue.poll(); event != null; event = queue.poll()) {
            ctx.release(event);
        }
    }

    @Override
    public String dump() {
        return "flow casts sent=" + castsSent + " stable=" + castsStable + " waiting=" + castsWaiting.size();
    }
}
