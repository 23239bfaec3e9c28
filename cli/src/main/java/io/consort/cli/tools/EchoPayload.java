package io.consort.cli.tools;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Requests the echo clients send and how they check replies: a sequence number in the first eight bytes, then
 * a byte pattern; the reply must be the request reversed.
 */
final class EchoPayload {
    /** Smallest payload that holds the sequence number. */
    static final int MIN_LENGTH = 8;

    private EchoPayload() {
    }

    static void write(MutableDirectBuffer buffer, int index, int length, long sequence) {
        buffer.putLong(index, sequence, ByteOrder.BIG_ENDIAN);
        for (int i = MIN_LENGTH; i < length; i++) {
            buffer.putByte(index + i, (byte) i);
        }
    }

    /** True when the {@code length} bytes at {@code index} are a request of that length reversed. */
    static boolean isReply(MutableDirectBuffer buffer, int index, int length, int expectedLength) {
        if (length != expectedLength || length < MIN_LENGTH) {
            return false;
        }
        // Reversed pattern: byte i of the reply is byte (length - 1 - i) of the request.
        for (int i = 0; i < length - MIN_LENGTH; i++) {
            if (buffer.getByte(index + i) != (byte) (length - 1 - i)) {
                return false;
            }
        }
        return true;
    }
}
