package io.consort.layers.runtime;

import io.consort.iovec.FramePool;
import io.consort.iovec.Iovec;
import io.consort.iovec.Poolable;

/**
 * What travels between layers: a message (with its payload as an {@link Iovec}) or a control notice. Events are
 * pooled; whoever holds one either passes it on or releases it with {@link LayerContext#release(Event)}.
 */
public final class Event implements Poolable {
    /** A multicast to the group. Down: {@link #peer} is the destination ({@code Transport.ALL} or a rank). */
    public static final int CAST = 1;
    /** A point-to-point message. Down: {@link #peer} is the destination rank; up: the origin rank. */
    public static final int SEND = 2;
    /**
     * Stability notice from the stable layer: {@link #vector} holds, per origin rank, how many of its casts every
     * member has delivered, {@link #vector2} how many some member has delivered.
     */
    public static final int STABLE = 3;
    /** Point-to-point progress: the member of rank {@link #peer} has received {@link #seqno} of our sends. */
    public static final int ACKED = 4;
    /**
     * A membership message, which travels outside views (probes, merges, view announcements). Up: {@link #peer}
     * is the sender's address and {@link #seqno} its incarnation; down: {@link #peer} is the destination address.
     */
    public static final int MEMBERSHIP = 5;
    /** Up from the suspect layer: {@link #vector}{@code [r] != 0} for every rank now suspected. */
    public static final int SUSPECT = 6;
    /**
     * Down from gmp: the view is ending. {@link #vector}{@code [r] != 0} marks ranks that take no part in the flush
     * (failed): stability stops waiting for them and nothing more is sent to them.
     */
    public static final int FLUSH = 7;
    /**
     * Down from gmp after {@link #FLUSH}: each layer holds it until it has nothing of its own outstanding (flow:
     * nothing held back; pt2pt: everything acknowledged), then passes it on; mnak answers {@link #DRAINED}.
     */
    public static final int DRAIN = 8;
    /** Up from mnak: everything this member sent in the view has left it. */
    public static final int DRAINED = 9;
    /**
     * Down from gmp once every survivor has drained: mnak stops delivering and answers {@link #BLOCK_OK}, whose
     * {@link #vector}{@code [o]} is how many casts of origin o this member has delivered.
     */
    public static final int BLOCK = 10;
    public static final int BLOCK_OK = 11;
    /**
     * Down from gmp: deliver each origin's casts up to {@link #vector}{@code [o]}, asking rank
     * {@link #vector2}{@code [o]} (which has them) for what is missing; mnak answers with {@link #CUT_DONE}.
     */
    public static final int CUT = 12;
    /** Up from mnak: every cast of the cut is delivered. */
    public static final int CUT_DONE = 13;

    private final int poolIndex;
    private final Iovec own;
    /** The message; the event's own iovec, or one lent to it with {@link #lend(Iovec)}. */
    public Iovec payload;
    public final long[] vector;
    public final long[] vector2;

    public int type;
    /** Origin rank going up; destination going down. */
    public int peer;
    /** Sequence number a reliability layer assigned (per origin, per kind), or a count for ACKED. */
    public long seqno;
    /** Which layers' headers the packet carries: bit i for the layer at stack index i. */
    public int headers;
    /** True for messages no reliability layer sequences (gossip, NAKs, acks). */
    public boolean unreliable;
    /**
     * Down, on a reliable send: the receiver acknowledges it at once rather than on its next tick, so a protocol
     * step waiting on it (a flush) is paced by round trips, not timers.
     */
    public boolean urgent;

    public Event(int poolIndex, FramePool frames, int maxGroupSize) {
        this.poolIndex = poolIndex;
        this.own = new Iovec(frames);
        this.payload = own;
        this.vector = new long[maxGroupSize];
        this.vector2 = new long[maxGroupSize];
    }

    public boolean isMessage() {
        return type == CAST || type == SEND;
    }

    @Override
    public int poolIndex() {
        return poolIndex;
    }

    /**
     * Carries {@code iovec} instead of the event's own until the event is released, when it is cleared and handed
     * back. Lets the few places that build many-frame messages use one preallocated list instead of growing the
     * lists of every pooled event.
     */
    public void lend(Iovec iovec) {
        if (payload != own || !own.isEmpty()) {
            throw new IllegalStateException("only an event with an empty payload of its own can carry a lent iovec");
        }
        iovec.onLoan(true);
        payload = iovec;
    }

    @Override
    public void reset() {
        payload.clear();
        if (payload != own) {
            payload.onLoan(false);
            payload = own;
        }
        type = 0;
        peer = 0;
        seqno = 0;
        headers = 0;
        unreliable = false;
        urgent = false;
    }

    public static String typeName(int type) {
        switch (type) {
            case CAST: return "CAST";
            case SEND: return "SEND";
            case STABLE: return "STABLE";
            case ACKED: return "ACKED";
            case MEMBERSHIP: return "MEMBERSHIP";
            case SUSPECT: return "SUSPECT";
            case FLUSH: return "FLUSH";
            case DRAIN: return "DRAIN";
            case DRAINED: return "DRAINED";
            case BLOCK: return "BLOCK";
            case BLOCK_OK: return "BLOCK_OK";
            case CUT: return "CUT";
            case CUT_DONE: return "CUT_DONE";
            default: return "type" + type;
        }
    }

    @Override
    public String toString() {
        return typeName(type) + "[peer=" + peer + " seqno=" + seqno + " headers=0x" + Integer.toHexString(headers)
            + (unreliable ? " unreliable " : " ") + payload + "]";
    }
}
