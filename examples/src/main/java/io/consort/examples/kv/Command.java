package io.consort.examples.kv;

import java.nio.charset.StandardCharsets;
import org.agrona.MutableDirectBuffer;

/**
 * The map's commands as they are multicast. Lengths of -1 stand for "no value" (a key that must be absent, or a
 * compare-and-set that removes).
 *
 * <pre>
 * PUT:    op(1) request(8) keyLength(2) key valueLength(4) value
 * REMOVE: op(1) request(8) keyLength(2) key
 * CAS:    op(1) request(8) keyLength(2) key expectedLength(4) expected valueLength(4) value
 * READ:   op(1) request(8) keyLength(2) key
 * </pre>
 */
final class Command {
    static final byte PUT = 1;
    static final byte REMOVE = 2;
    static final byte CAS = 3;
    static final byte READ = 4;
    static final int HEADER = 11;

    private Command() {
    }

    /** Writes a command; returns its length. */
    static int write(MutableDirectBuffer out, byte op, long request, String key, byte[] expected, byte[] value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length > 0xFFFF) {
            throw new IllegalArgumentException("a key takes at most 65535 bytes of UTF-8, had " + keyBytes.length);
        }
        out.putByte(0, op);
        out.putLong(1, request);
        out.putShort(9, (short) keyBytes.length);
        out.putBytes(HEADER, keyBytes);
        int at = HEADER + keyBytes.length;
        if (op == CAS) {
            at = putValue(out, at, expected);
        }
        if (op == PUT || op == CAS) {
            at = putValue(out, at, value);
        }
        return at;
    }

    private static int putValue(MutableDirectBuffer out, int at, byte[] value) {
        out.putInt(at, value == null ? -1 : value.length);
        if (value != null) {
            out.putBytes(at + 4, value);
        }
        return at + 4 + (value == null ? 0 : value.length);
    }

    /** The most bytes a command with this key and values takes. */
    static int length(String key, byte[] expected, byte[] value) {
        return HEADER + 3 * key.length() + 8 + (expected == null ? 0 : expected.length)
            + (value == null ? 0 : value.length);
    }
}
