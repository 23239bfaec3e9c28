package io.consort.cli.perf;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The layout of a perf message; static writers and readers over a buffer, nothing allocated. The checksum covers
 * everything after it, so a damaged sequence number, timestamp or body is caught as corruption, not as loss.
 *
 * <pre>
 *   0               4               8                              16                             24
 *   | CRC32C of 4.. | magic "CSPF"  | sequence (long)              | send time (long, nanoTime)   |
 *  24               28              32
 *   | sender (int)  | kind (int)    | body: a pattern of the sender's, up to --size
 * </pre>
 *
 * A data message's sequence is the sender's message number, from 0; the sender's last message (kind
 * {@link #FINAL}) carries how many data messages it sent, so every receiver knows when it has them all.
 */
final class PerfMessage {
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int CHECKSUM_OFFSET = 0;
    static final int MAGIC_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int SEND_TIME_OFFSET = 16;
    static final int SENDER_OFFSET = 24;
    static final int KIND_OFFSET = 28;
    static final int HEADER = 32;
    /** Where the checksummed bytes start. */
    static final int CHECKED_FROM = MAGIC_OFFSET;
    static final int MAGIC = 0x46505343; // "CSPF" in little-endian byte order
    static final int DATA = 0;
    static final int FINAL = 1;

    private PerfMessage() {
    }

    /** Fills the body once: bytes that depend on the sender and their position. */
    static void fillBody(MutableDirectBuffer buffer, int sender, int length) {
        int state = 0x9E3779B9 * (sender + 1);
        for (int i = HEADER; i < length; i++) {
            state = state * 1_103_515_245 + 12_345;
            buffer.putByte(i, (byte) (state >>> 24));
        }
    }

    /** Writes the header of a message of {@code length} bytes (body already filled) and its checksum. */
    static void stamp(MutableDirectBuffer buffer, int length, int sender, int kind, long sequence, long sendTime,
                      BodyChecksum checksum) {
        buffer.putInt(MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putLong(SEQUENCE_OFFSET, sequence, ORDER);
        buffer.putLong(SEND_TIME_OFFSET, sendTime, ORDER);
        buffer.putInt(SENDER_OFFSET, sender, ORDER);
        buffer.putInt(KIND_OFFSET, kind, ORDER);
        buffer.putInt(CHECKSUM_OFFSET, checksum.compute(buffer, CHECKED_FROM, length - CHECKED_FROM), ORDER);
    }

    static boolean intact(DirectBuffer buffer, int offset, int length, BodyChecksum checksum) {
        return length >= HEADER && buffer.getInt(offset + MAGIC_OFFSET, ORDER) == MAGIC
            && buffer.getInt(offset + CHECKSUM_OFFSET, ORDER)
            == checksum.compute(buffer, offset + CHECKED_FROM, length - CHECKED_FROM);
    }

    static long sequence(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + SEQUENCE_OFFSET, ORDER);
    }

    static long sendTime(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + SEND_TIME_OFFSET, ORDER);
    }

    static int sender(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + SENDER_OFFSET, ORDER);
    }

    static int kind(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + KIND_OFFSET, ORDER);
    }
}
