package io.consort.layers.proto;

import io.consort.iovec.FramePool;
import io.consort.iovec.Iovec;
import io.consort.layers.runtime.Event;

/**
 * A sender's copies of the messages it numbered and may have to send again: sequence numbers from
 * {@link #base()} (oldest still kept) up to {@link #next()}, at most {@code window} of them, each kept as shared
 * frame references and the header bits of the layers above. Shared by mnak (casts) and pt2pt (sends).
 */
final class RetransmitWindow {
    private final Iovec[] payloads;
    private final int[] headers;
    private final int mask;
    private long base;
    private long next;

    /** @param window a power of two */
    RetransmitWindow(int window, FramePool frames) {
        payloads = new Iovec[window];
        headers = new int[window];
        mask = window - 1;
        for (int slot = 0; slot < window; slot++) {
            payloads[slot] = new Iovec(frames);
        }
    }

    /** Retransmit windows, one per member of a group of {@code members}. */
    static RetransmitWindow[] perMember(int members, int window, FramePool frames) {
        RetransmitWindow[] windows = new RetransmitWindow[members];
        for (int member = 0; member < members; member++) {
            windows[member] = new RetransmitWindow(window, frames);
        }
        return windows;
    }

    long base() {
        return base;
    }

    long next() {
        return next;
    }

    boolean isFull() {
        return next - base == payloads.length;
    }

    boolean isEmpty() {
        return next == base;
    }

    /** Numbers {@code event} and keeps a copy of its payload (sharing frames). Returns its sequence number. */
    long retain(Event event) {
        if (isFull()) {
            throw new IllegalStateException("retransmit window of " + payloads.length + " overrun: the flow layer"
                + " above must keep at most that many messages outstanding (set its window to at most this one)");
        }
        int slot = (int) (next & mask);
        payloads[slot].appendAll(event.payload);
        headers[slot] = event.headers;
        return next++;
    }

    /** Numbers a message that needs no copy (one delivered locally). */
    long skip() {
        base++;
        return next++;
    }

    /** Puts message {@code seqno}'s payload and header bits into {@code copy}; it must be kept. */
    void copyTo(long seqno, Event copy) {
        int slot = (int) (seqno & mask);
        copy.payload.appendAll(payloads[slot]);
        copy.headers = headers[slot];
    }

    /** Drops the copies of every message numbered below {@code seqno}; returns true if any went. */
    boolean releaseBelow(long seqno) {
        long until = Math.min(seqno, next);
        boolean released = base < until;
        while (base < until) {
            payloads[(int) (base++ & mask)].clear();
        }
        return released;
    }

    void clear() {
        releaseBelow(next);
    }
}
