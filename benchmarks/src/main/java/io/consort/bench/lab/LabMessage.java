package io.consort.bench.lab;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The JGroups members' message: consort perf's layout (its PerfMessage) over a byte array, so both systems carry,
 * stamp and check the same bytes. The CRC32C covers everything after it.
 *
 * <pre>
 *   0               4               8                              16                             24
 *   | CRC32C of 4.. | magic "CSPF"  | sequence (long)              | send time (long, nanoTime)   |
 *  24               28              32
 *   | sender (int)  | kind (int)    | body: a pattern of the sender's, up to the size
 * </pre>
 */
final class LabMessage {
    static final int HEADER = 32;
    static final int MAGIC = 0x46505343;
    static final int DATA = 0;
    /** The sender's last message: its sequence is how many data messages it sent. */
    static final int FINAL = 1;
    /** "I have every sender's stream": members close only when all have said it, so nobody leaves a peer short. */
    static final int DONE = 2;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LabMessage() {
    }

    /** A message of {@code size} bytes with {@code sender}'s body pattern; copy it, then {@link #stamp} the copy. */
    static byte[] template(int sender, int size) {
        byte[] bytes = new byte[size];
        int state = 0x9E3779B9 * (sender + 1);
        for (int i = HEADER; i < size; i++) {
            state = state * 1_103_515_245 + 12_345;
            bytes[i] = (byte) (state >>> 24);
        }
        return bytes;
    }

    static void stamp(byte[] bytes, int sender, int kind, long sequence, long sendTime) {
        INT.set(bytes, 4, MAGIC);
        LONG.set(bytes, 8, sequence);
        LONG.set(bytes, 16, sendTime);
        INT.set(bytes, 24, sender);
        INT.set(bytes, 28, kind);
        INT.set(bytes, 0, checksum(bytes, 0, bytes.length));
    }

    static boolean intact(byte[] bytes, int offset, int length) {
        return length >= HEADER && (int) INT.get(bytes, offset + 4) == MAGIC
            && (int) INT.get(bytes, offset) == checksum(bytes, offset, length);
    }

    private static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset + 4, length - 4);
        return (int) crc.getValue();
    }

    static long sequence(byte[] bytes, int offset) {
        return (long) LONG.get(bytes, offset + 8);
    }

    static long sendTime(byte[] bytes, int offset) {
        return (long) LONG.get(bytes, offset + 16);
    }

    static int sender(byte[] bytes, int offset) {
        return (int) INT.get(bytes, offset + 24);
    }

    static int kind(byte[] bytes, int offset) {
        return (int) INT.get(bytes, offset + 28);
    }
}
