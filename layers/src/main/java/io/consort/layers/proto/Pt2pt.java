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
 * Reliable FIFO point-to-point messages (Ensemble's pt2pt): per peer, sequence numbers, cumulative
 * acknowledgements, and retransmission of what stays unacknowledged for longer than an acknowledgement takes,
 * backing off exponentially while the peer stays silent (a partition or a crash should not turn into a flood).
 * How long an acknowledgement takes is measured per peer, Karn's way: one message in flight at a time is timed
 * (in ticks) from its send to the acknowledgement that covers it, never one that was resent; the wait before a
 * resend is twice that (a shorter sample lowers it by an eighth at a time), at least {@code retransmitTicks}. Without it a peer a few ticks away got every message
 * twice. Receivers keep early
 * messages within a window and deliver in order. Acknowledgements go up as ACKED events for the flow layer. The
 * timer runs only while an acknowledgement is owed or a message waits for one.
 *
 * <pre>
 * DATA:  kind(1)=PT2PT_DATA or PT2PT_DATA_URGENT (acknowledged at once)  seqno(4)
 * ACK:   kind(1)=PT2PT_ACK   next expected seqno(4), then a body: received-early bitmap(8)
 * </pre>
 *
 * <p>The bitmap's bit i says that message {@code next expected + 1 + i} has arrived, so a retransmission resends
 * only what is missing instead of the whole window.
 *
 * <p>When a view ends, members that take no part in the flush ({@link Event#FLUSH}) are no longer sent to or
 * retransmitted to, and {@link Event#DRAIN} is held here until every other peer has acknowledged everything.
 */
public final class Pt2pt extends Layer {
    static final int HEADER_LENGTH = 5;
    static final int SACK_BITS = 64;
    /** Retransmission backs off, doubling while no acknowledgement comes, up to this many ticks apart. */
    static final int MAX_BACKOFF_TICKS = 64;

    private final int window;
    private final long tickNanos;
    private final int retransmitTicks;

    private RetransmitWindow[] sent;
    private int[] ticksWithoutProgress;
    private int[] backoffTicks;
    /** Per peer: the wait learned from acknowledgement times, and the message being timed (-1: none). */
    private int[] learnedTicks;
    private long[] timedSeqno;
    private long[] timedSince;
    private long ticks;
    private long[] peerHas;

    private ReceiveWindow[] received;
    private int[] receivedSinceAck;
    private boolean[] ackDue;
    private boolean[] excluded;
    private Event drainQuery;
    private long selfAckDue = -1;

    private AtomicCounter sendsSent;
    private AtomicCounter sendsDelivered;
    private AtomicCounter duplicates;
    private AtomicCounter outOfWindow;
    private AtomicCounter truncated;
    private AtomicCounter missingHeader;
    private AtomicCounter acksSent;
    private AtomicCounter acksReceived;
    private AtomicCounter retransmitted;
    private AtomicCounter noEvent;

    /**
     * @param window messages per peer kept unacknowledged and accepted ahead of the next expected one
     * @param tickNanos how often acknowledgements go out and retransmission is considered
     * @param retransmitTicks ticks without acknowledgement progress before unacknowledged messages are resent
     */
    public Pt2pt(int window, long tickNanos, int retransmitTicks) {
        if (window < 4 || Integer.bitCount(window) != 1) {
            throw new IllegalArgumentException("pt2pt window must be a power of two of at least 4, was " + window);
        }
        this.window = window;
        this.tickNanos = tickNanos;
        this.retransmitTicks = Math.max(1, retransmitTicks);
    }

    @Override
    public String name() {
        return "pt2pt";
    }

    @Override
    public int maxHeaderLength() {
        return HEADER_LENGTH;
    }

    @Override
    public int provides() {
        return Services.FIFO_SEND | Services.ACKS;
    }

    @Override
    public int requiresAbove() {
        return Services.FLOW_CONTROL;
    }

    public int window() {
        return window;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        sent = RetransmitWindow.perMember(members, window, context.frames());
        ticksWithoutProgress = new int[members];
        backoffTicks = new int[members];
        peerHas = new long[members];
        java.util.Arrays.fill(backoffTicks, retransmitTicks);
        learnedTicks = new int[members];
        java.util.Arrays.fill(learnedTicks, retransmitTicks);
        timedSeqno = new long[members];
        java.util.Arrays.fill(timedSeqno, -1);
        timedSince = new long[members];
        received = ReceiveWindow.perMember(members, window);
        receivedSinceAck = new int[members];
        ackDue = new boolean[members];
        excluded = new boolean[members];
        sendsSent = context.counter("sends sent");
        sendsDelivered = context.counter("sends delivered");
        duplicates = context.counter("dropped duplicate");
        outOfWindow = context.counter("dropped out of window");
        truncated = context.counter("dropped truncated");
        missingHeader = context.counter("dropped reliable send without header");
        acksSent = context.counter("acks sent");
        acksReceived = context.counter("acks received");
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
        return tickNanos;
    }

    @Override
    public void down(Event event) {
        if (event.type == Event.FLUSH) {
            onFlush(event);
            return;
        }
        if (event.type == Event.DRAIN) {
            if (drainQuery != null) {
                ctx.release(drainQuery);
            }
            drainQuery = event;
            passDrainWhenAcked();
            return;
        }
        if (event.type != Event.SEND || event.unreliable) {
            ctx.down(event);
            return;
        }
        int peer = event.peer;
        sendsSent.incrementRelease();
        if (peer == ctx.rank()) {
            event.seqno = sent[peer].skip();
            sendsDelivered.incrementRelease();
            ctx.up(event);
            selfAckDue = sent[peer].base();
            ackSelf();
            return;
        }
        if (excluded[peer]) {
            ctx.release(event);
            return;
        }
        if (sent[peer].isEmpty()) {
            ticksWithoutProgress[peer] = 0;
        }
        long seqno = sent[peer].retain(event);
        if (timedSeqno[peer] < 0) {
            timedSeqno[peer] = seqno;
            timedSince[peer] = ticks;
        }
        pushData(event, seqno, event.urgent);
        ctx.tickSoon();
        ctx.down(event);
    }

    /** Tells flow control that a send to this member itself is done; retried on the next tick if no event is free. */
    private void ackSelf() {
        if (selfAckDue < 0) {
            return;
        }
        Event acked = ctx.acquire();
        if (acked == null) {
            noEvent.incrementRelease();
            ctx.tickSoon();
            return;
        }
        acked.type = Event.ACKED;
        acked.peer = ctx.rank();
        acked.seqno = selfAckDue;
        selfAckDue = -1;
        ctx.up(acked);
    }

    /** Soon while an acknowledgement is owed or a message is unacknowledged; else not until {@code tickSoon}. */
    @Override
    public long nextTick(long now) {
        if (selfAckDue >= 0) {
            return now + tickNanos;
        }
        for (int peer = 0; peer < ctx.groupSize(); peer++) {
            if (peer != ctx.rank() && !excluded[peer] && (ackDue[peer] || !sent[peer].isEmpty())) {
                return now + tickNanos;
            }
        }
        return Long.MAX_VALUE;
    }

    private void onFlush(Event event) {
        for (int peer = 0; peer < excluded.length; peer++) {
            if (event.vector[peer] != 0 && peer != ctx.rank()) {
                excluded[peer] = true;
                sent[peer].clear();
            }
        }
        ctx.down(event);
        passDrainWhenAcked();
    }

    private void passDrainWhenAcked() {
        if (drainQuery == null) {
            return;
        }
        for (int peer = 0; peer < sent.length; peer++) {
            if (peer != ctx.rank() && !excluded[peer] && !sent[peer].isEmpty()) {
                return;
            }
        }
        Event passing = drainQuery;
        drainQuery = null;
        ctx.down(passing);
    }

    private void pushData(Event event, long seqno, boolean urgent) {
        event.headers |= ctx.headerBit();
        int at = event.payload.push(HEADER_LENGTH);
        UnsafeBuffer buffer = event.payload.buffer();
        buffer.putByte(at, urgent ? WireIds.PT2PT_DATA_URGENT : WireIds.PT2PT_DATA);
        buffer.putInt(at + 1, Seqnos.toWire(seqno), WireIds.ORDER);
    }

    @Override
    public void up(Event event) {
        if (event.type != Event.SEND) {
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
        int at = event.payload.pull(HEADER_LENGTH);
        if (at < 0) {
            drop(event, truncated);
            return;
        }
        UnsafeBuffer buffer = event.payload.buffer();
        byte kind = buffer.getByte(at);
        int wire = buffer.getInt(at + 1, WireIds.ORDER);
        if ((kind == WireIds.PT2PT_DATA || kind == WireIds.PT2PT_DATA_URGENT) && !event.unreliable) {
            onData(event, wire, kind == WireIds.PT2PT_DATA_URGENT);
        } else if (kind == WireIds.PT2PT_ACK) {
            onAck(event, wire);
        } else {
            drop(event, truncated);
        }
    }

    private void onData(Event event, int wire, boolean urgent) {
        int peer = event.peer;
        ReceiveWindow from = received[peer];
        long seqno = Seqnos.widen(wire, from.expected());
        ackDue[peer] = true;
        ctx.tickSoon();
        event.seqno = seqno;
        event.headers &= ~ctx.headerBit();
        int verdict = from.offer(event, seqno);
        if (verdict != ReceiveWindow.ACCEPTED) {
            drop(event, verdict == ReceiveWindow.DUPLICATE ? duplicates : outOfWindow);
            return;
        }
        for (Event next = from.poll(); next != null; next = from.poll()) {
            receivedSinceAck[peer]++;
            sendsDelivered.incrementRelease();
            ctx.up(next);
        }
        if (urgent || receivedSinceAck[peer] >= window / 4) {
            sendAck(peer);
        }
    }

    private void onAck(Event event, int wire) {
        acksReceived.incrementRelease();
        int peer = event.peer;
        RetransmitWindow toPeer = sent[peer];
        long acked = Math.min(toPeer.next(), Seqnos.widen(wire, toPeer.base()));
        int bits = event.payload.pull(8);
        if (acked >= toPeer.base()) {
            peerHas[peer] = bits < 0 ? 0 : event.payload.buffer().getLong(bits, WireIds.ORDER);
        }
        if (toPeer.releaseBelow(acked)) {
            if (timedSeqno[peer] >= 0 && acked > timedSeqno[peer]) {
                int took = (int) Math.min(MAX_BACKOFF_TICKS, ticks - timedSince[peer] + 1);
                // Twice the sample, but one short sample (an acknowledgement that happened to go out at once)
                // only brings the wait down by an eighth.
                int decayed = learnedTicks[peer] - learnedTicks[peer] / 8;
                learnedTicks[peer] = Math.max(retransmitTicks, Math.min(MAX_BACKOFF_TICKS, Math.max(2 * took,
                    decayed)));
                timedSeqno[peer] = -1;
                backoffTicks[peer] = learnedTicks[peer];
            } else if (timedSeqno[peer] < 0 && sent[peer].isEmpty()) {
                // Nothing timed was acknowledged (it was resent): keep the wait that backed off until a sample.
                backoffTicks[peer] = Math.max(learnedTicks[peer], backoffTicks[peer]);
            }
            ticksWithoutProgress[peer] = 0;
            event.payload.clear();
            event.type = Event.ACKED;
            event.seqno = acked;
            ctx.up(event);
            passDrainWhenAcked();
            return;
        }
        ctx.release(event);
    }

    private void sendAck(int peer) {
        Event ack = ctx.newControlMessage(Event.SEND, peer, 8);
        if (ack == null) {
            noEvent.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = ack.payload.buffer();
        ReceiveWindow from = received[peer];
        long early = 0;
        for (int i = 0; i < SACK_BITS; i++) {
            if (from.holds(from.expected() + 1 + i)) {
                early |= 1L << i;
            }
        }
        buffer.putLong(ack.payload.index(0), early, WireIds.ORDER);
        ack.headers = ctx.headerBit();
        int at = ack.payload.push(HEADER_LENGTH);
        buffer.putByte(at, WireIds.PT2PT_ACK);
        buffer.putInt(at + 1, Seqnos.toWire(from.expected()), WireIds.ORDER);
        ackDue[peer] = false;
        receivedSinceAck[peer] = 0;
        acksSent.incrementRelease();
        ctx.down(ack);
    }

    /** Acknowledges what arrived since the last tick and resends what has waited too long for an ack. */
    @Override
    public void tick(long now) {
        ticks++;
        ackSelf();
        for (int peer = 0; peer < ctx.groupSize(); peer++) {
            if (peer == ctx.rank() || excluded[peer]) {
                continue;
            }
            if (ackDue[peer]) {
                sendAck(peer);
            }
            if (!sent[peer].isEmpty() && ++ticksWithoutProgress[peer] >= backoffTicks[peer]) {
                ticksWithoutProgress[peer] = 0;
                backoffTicks[peer] = Math.min(backoffTicks[peer] * 2, MAX_BACKOFF_TICKS);
                retransmit(peer);
            }
        }
    }

    /** Resends the oldest unacknowledged message and whatever the peer's last ack did not list as arrived. */
    private void retransmit(int peer) {
        RetransmitWindow toPeer = sent[peer];
        long base = toPeer.base();
        for (long seqno = base; seqno < toPeer.next(); seqno++) {
            long offset = seqno - base - 1;
            if (offset >= SACK_BITS) {
                return;
            }
            if (offset >= 0 && (peerHas[peer] & (1L << offset)) != 0) {
                continue;
            }
            if (seqno == timedSeqno[peer]) {
                timedSeqno[peer] = -1;
            }
            if (seqno > base && learnedTicks[peer] == retransmitTicks && peerHas[peer] == 0) {
                // No acknowledgement timed yet: the peer may just be far. Probe with the oldest, not the window.
                return;
            }
            Event copy = ctx.acquire();
            if (copy == null) {
                noEvent.incrementRelease();
                return;
            }
            copy.type = Event.SEND;
            copy.peer = peer;
            toPeer.copyTo(seqno, copy);
            pushData(copy, seqno, false);
            retransmitted.incrementRelease();
            ctx.down(copy);
        }
    }

    private void drop(Event event, AtomicCounter reason) {
        reason.incrementRelease();
        ctx.release(event);
    }

    @Override
    public void close() {
        if (drainQuery != null) {
            ctx.release(drainQuery);
            drainQuery = null;
        }
        for (RetransmitWindow window : sent) {
            window.clear();
        }
        for (ReceiveWindow window : received) {
            window.clear(ctx);
        }
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder("pt2pt");
        for (int peer = 0; peer < received.length; peer++) {
            out.append(" [").append(peer).append(": next=").append(sent[peer].next()).append(" unacked=")
                .append(sent[peer].base()).append(" expected=").append(received[peer].expected()).append(']');
        }
        return out.toString();
    }
}
