package io.consort.testsupport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Deterministic test messages: the k-th message of a stream (a sender's casts, or its sends to one member) has a
 * length and content computed from (seed, origin, destination, k), so a receiver can check a delivery without
 * anything recorded at the sender, and without allocating.
 */
public final class Traffic {
    /** Destination of a multicast stream. */
    public static final int CAST = -1;

    private final long seed;
    private final int minLength;
    private final int maxLength;

    public Traffic(long seed, int minLength, int maxLength) {
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("need 1 <= minLength <= maxLength, were " + minLength + ", " + maxLength);
        }
        this.seed = seed;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    public int maxLength() {
        return maxLength;
    }

    public int length(int origin, int destination, long k) {
        long h = mix(seed ^ mix(origin * 0x9E3779B97F4A7C15L + destination) ^ mix(k + 0x632BE59BD9B4E019L));
        return minLength + (int) Long.remainderUnsigned(h, maxLength - minLength + 1L);
    }

    public void fill(MutableDirectBuffer buffer, int offset, int origin, int destination, long k, int length) {
        long h = mix(seed + origin * 31L + destination * 1_000_003L + k * 0x2545F4914F6CDD1DL);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            buffer.putLong(offset + i, h + i);
        }
        for (; i < length; i++) {
            buffer.putByte(offset + i, (byte) ((h + i) >>> 8));
        }
    }

    public boolean matches(DirectBuffer buffer, int offset, int length, int origin, int destination, long k) {
        if (length != length(origin, destination, k)) {
            return false;
        }
        long h = mix(seed + origin * 31L + destination * 1_000_003L + k * 0x2545F4914F6CDD1DL);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (buffer.getLong(offset + i) != h + i) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (buffer.getByte(offset + i) != (byte) ((h + i) >>> 8)) {
                return false;
            }
        }
        return true;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
