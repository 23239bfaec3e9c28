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
    }

    public static String typeName(int type) {
        switch (type) {
            case CAST: return "CAST";
            case SEND: return "SEND";
            case STABLE: return "STABLE";
            case ACKED: return "ACKED";
            default: return "type" + type;
        }
    }

    @Override
    public String toString() {
        return typeName(type) + "[peer=" + peer + " seqno=" + seqno + " headers=0x" + Integer.toHexString(headers)
            + (unreliable ? " unreliable " : " ") + payload + "]";
    }
}
