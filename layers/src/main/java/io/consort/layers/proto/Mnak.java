package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.wire.Seqnos;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Reliable FIFO multicast with negative acknowledgements (Ensemble's mnak).
 *
 * <p>Each reliable cast gets the next sequence number of its sender and is kept until the stable layer reports
 * that every member has delivered it. Receivers deliver each sender's casts in order, keep early ones within a
 * window, and on a timer ask the sender for the runs they miss; they learn of casts they never saw (lost tails)
 * from the stability gossip. A member's own casts are delivered to itself here, in the same order.
 *
 * <pre>
 * DATA:  kind(1)=MNAK_DATA  seqno(4)
 * NAK:   kind(1)=MNAK_NAK   runs(1)  { from(4) count(2) } * runs
 * </pre>
 */
public final class Mnak extends Layer {
    static final int DATA_LENGTH = 5;
    static final int MAX_NAK_RUNS = 32;
    static final int NAK_RUN_LENGTH = 6;
    static final int NAK_LENGTH = 2 + MAX_NAK_RUNS * NAK_RUN_LENGTH;

    private final int window;
    private final long nakIntervalNanos;

    private RetransmitWindow sent;

    private ReceiveWindow[] received;
    private long[] highestKnown;
    private long[] expectedAtLastTick;

    private AtomicCounter castsSent;
    private AtomicCounter castsDelivered;
    private AtomicCounter duplicates;
    private AtomicCounter outOfWindow;
    private AtomicCounter truncated;
    private AtomicCounter naksSent;
    private AtomicCounter naksReceived;
    private AtomicCounter retransmitted;
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
        return DATA_LENGTH;
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
        sent = new RetransmitWindow(window, context.frames());
        received = ReceiveWindow.perMember(members, window);
        highestKnown = new long[members];
        expectedAtLastTick = new long[members];
        castsSent = context.counter("casts sent");
        castsDelivered = context.counter("casts delivered");
        duplicates = context.counter("dropped duplicate");
        outOfWindow = context.counter("dropped out of window");
        truncated = context.counter("dropped truncated");
        naksSent = context.counter("naks sent");
        naksReceived = context.counter("naks received");
        retransmitted = context.counter("retransmitted");
        noEvent = context.counter("deferred no event");
    }

    @Override
    public int maxReceiveFramesHeld() {
        return (ctx.groupSize() - 1) * window;
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
        if (event.type == Event.STABLE) {
            onStable(event);
            ctx.release(event);
            return;
        }
        if (event.type != Event.CAST || event.unreliable) {
            ctx.down(event);
            return;
        }
        long seqno = sent.retain(event);
        castsSent.incrementRelease();
        if (ctx.groupSize() > 1) {
            transmit(seqno, event.peer);
        }
        event.peer = ctx.rank();
        event.seqno = seqno;
        castsDelivered.incrementRelease();
        ctx.up(event);
    }

    /** Sends the retained cast {@code seqno} to {@code destination}; false if no event was free. */
    private boolean transmit(long seqno, int destination) {
        Event copy = ctx.acquire();
        if (copy == null) {
            noEvent.incrementRelease();
            return false;
        }
        copy.type = Event.CAST;
        copy.peer = destination;
        sent.copyTo(seqno, copy);
        copy.headers |= ctx.headerBit();
        int at = copy.payload.push(DATA_LENGTH);
        UnsafeBuffer buffer = copy.payload.buffer();
        buffer.putByte(at, WireIds.MNAK_DATA);
        buffer.putInt(at + 1, Seqnos.toWire(seqno), WireIds.ORDER);
        ctx.down(copy);
        return true;
    }

    @Override
    public void up(Event event) {
        if (event.type != Event.CAST || (event.headers & ctx.headerBit()) == 0) {
            ctx.up(event);
            return;
        }
        int at = event.payload.pull(1);
        if (at < 0) {
            drop(event, truncated);
            return;
        }
        byte kind = event.payload.buffer().getByte(at);
        if (kind == WireIds.MNAK_DATA) {
            onData(event);
        } else if (kind == WireIds.MNAK_NAK) {
            onNak(event);
        } else {
            drop(event, truncated);
        }
    }

    private void onData(Event event) {
        int at = event.payload.pull(DATA_LENGTH - 1);
        if (at < 0 || event.unreliable) {
            drop(event, truncated);
            return;
        }
        int origin = event.peer;
        ReceiveWindow from = received[origin];
        long seqno = Seqnos.widen(event.payload.buffer().getInt(at, WireIds.ORDER), from.expected());
        event.seqno = seqno;
        event.headers &= ~ctx.headerBit();
        int verdict = from.offer(event, seqno);
        if (verdict != ReceiveWindow.ACCEPTED) {
            drop(event, verdict == ReceiveWindow.DUPLICATE ? duplicates : outOfWindow);
            return;
        }
        highestKnown[origin] = Math.max(highestKnown[origin], seqno + 1);
        for (Event next = from.poll(); next != null; next = from.poll()) {
            castsDelivered.incrementRelease();
            ctx.up(next);
        }
    }

    private void onNak(Event event) {
        naksReceived.incrementRelease();
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.pull(1);
        int runs = at < 0 ? 0 : buffer.getByte(at) & 0xFF;
        int requester = event.peer;
        for (int r = 0; r < runs; r++) {
            int run = event.payload.pull(NAK_RUN_LENGTH);
            if (run < 0) {
                truncated.incrementRelease();
                break;
            }
            long from = Math.max(sent.base(), Seqnos.widen(buffer.getInt(run, WireIds.ORDER), sent.base()));
            long to = Math.min(sent.next(), from + (buffer.getShort(run + 4, WireIds.ORDER) & 0xFFFF));
            for (long seqno = from; seqno < to; seqno++) {
                if (!transmit(seqno, requester)) {
                    break;
                }
                retransmitted.incrementRelease();
            }
        }
        ctx.release(event);
    }

    /** Frees casts every member has delivered, and learns of casts this member has not seen yet. */
    private void onStable(Event event) {
        sent.releaseBelow(event.vector[ctx.rank()]);
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            if (origin != ctx.rank()) {
                highestKnown[origin] = Math.max(highestKnown[origin], event.vector2[origin]);
            }
        }
    }

    /** Asks each sender for the runs still missing since the last tick. */
    @Override
    public void tick(long now) {
        for (int origin = 0; origin < ctx.groupSize(); origin++) {
            if (origin == ctx.rank()) {
                continue;
            }
            long expected = received[origin].expected();
            boolean stalled = expected < highestKnown[origin] && expected == expectedAtLastTick[origin];
            expectedAtLastTick[origin] = expected;
            if (stalled) {
                sendNak(origin);
            }
        }
    }

    private void sendNak(int origin) {
        Event nak = ctx.newControlMessage(Event.CAST, origin, NAK_LENGTH);
        if (nak == null) {
            noEvent.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = nak.payload.buffer();
        int at = nak.payload.index(0);
        ReceiveWindow arrived = received[origin];
        long end = Math.min(highestKnown[origin], arrived.expected() + window);
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
            int run = at + 2 + runs * NAK_RUN_LENGTH;
            buffer.putInt(run, Seqnos.toWire(from), WireIds.ORDER);
            buffer.putShort(run + 4, (short) (seqno - from), WireIds.ORDER);
            runs++;
        }
        buffer.putByte(at, WireIds.MNAK_NAK);
        buffer.putByte(at + 1, (byte) runs);
        nak.payload.truncate(2 + runs * NAK_RUN_LENGTH);
        nak.headers = ctx.headerBit();
        naksSent.incrementRelease();
        ctx.down(nak);
    }

    private void drop(Event event, AtomicCounter reason) {
        reason.incrementRelease();
        ctx.release(event);
    }

    @Override
    public void close() {
        sent.clear();
        for (ReceiveWindow window : received) {
            window.clear(ctx);
        }
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder("mnak next=").append(sent.next()).append(" unstable=")
            .append(sent.base());
        for (int origin = 0; origin < received.length; origin++) {
            out.append(" [").append(origin).append(": expected=").append(received[origin].expected()).append(" known=")
                .append(highestKnown[origin]).append(']');
        }
        return out.toString();
    }
}
