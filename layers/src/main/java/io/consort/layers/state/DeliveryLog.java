package io.consort.layers.state;

import io.consort.iovec.Iovec;
import io.consort.layers.api.MessageHandler;
import org.agrona.ExpandableArrayBuffer;

/**
 * The messages of a view that the application may not see yet (its state is being decided or installed), copied
 * out of their frames so that the frames go back to the pools at once. Bounded by a limit; the heap it takes is
 * allocated on first use, so a member that never waits for a state never pays for it.
 *
 * <pre>entry: kind(1) origin(4) length(4) message(length)</pre>
 */
final class DeliveryLog {
    private static final int ENTRY_HEADER = 9;
    private final long limit;
    private ExpandableArrayBuffer buffer;
    private int length;
    private int entries;
    private int casts;

    DeliveryLog(long limit) {
        this.limit = limit;
    }

    /** Copies a message in; false (and nothing copied) when it would take the log past its limit. */
    boolean append(int kind, int origin, Iovec payload) {
        int size = payload.length();
        if (length + (long) ENTRY_HEADER + size > limit) {
            return false;
        }
        if (buffer == null) {
            buffer = new ExpandableArrayBuffer((int) Math.min(limit, 64 * 1024));
        }
        buffer.putByte(length, (byte) kind);
        buffer.putInt(length + 1, origin);
        buffer.putInt(length + 5, size);
        payload.copyTo(buffer, length + ENTRY_HEADER);
        length += ENTRY_HEADER + size;
        entries++;
        casts += kind == MessageHandler.CAST ? 1 : 0;
        return true;
    }

    /** Hands every message to {@code handler} in the order they came, then forgets them. */
    int replay(MessageHandler handler) {
        int replayed = entries;
        for (int at = 0; at < length; ) {
            int kind = buffer.getByte(at);
            int origin = buffer.getInt(at + 1);
            int size = buffer.getInt(at + 5);
            handler.onMessage(kind, origin, buffer, at + ENTRY_HEADER, size);
            at += ENTRY_HEADER + size;
        }
        clear();
        return replayed;
    }

    void clear() {
        buffer = null;
        length = 0;
        entries = 0;
        casts = 0;
    }

    int casts() {
        return casts;
    }

    int entries() {
        return entries;
    }

    int bytes() {
        return length;
    }
}
