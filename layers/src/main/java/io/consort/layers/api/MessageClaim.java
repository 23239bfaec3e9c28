package io.consort.layers.api;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * A claimed slot in a member's application ring: write the message at {@link #offset()} of {@link #buffer()},
 * then {@link #commit()} (or {@link #abort()}). Writing in place saves the copy {@link Member#multicast} makes.
 * Reusable: keep one per sending thread.
 */
public final class MessageClaim {
    private RingBuffer ring;
    private int index = -1;
    private int offset;
    private int length;

    /** @param index what the ring's tryClaim returned; @param offset where the message itself starts */
    void wrap(RingBuffer ring, int index, int offset, int length) {
        this.ring = ring;
        this.index = index;
        this.offset = offset;
        this.length = length;
    }

    public MutableDirectBuffer buffer() {
        return ring.buffer();
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public void commit() {
        checkClaimed();
        ring.commit(index);
        index = -1;
    }

    public void abort() {
        checkClaimed();
        ring.abort(index);
        index = -1;
    }

    private void checkClaimed() {
        if (index < 0) {
            throw new IllegalStateException("nothing claimed: call Member.tryClaim first");
        }
    }
}
