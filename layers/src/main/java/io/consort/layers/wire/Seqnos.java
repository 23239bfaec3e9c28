package io.consort.layers.wire;

/**
 * Sequence numbers are 64-bit in memory and 32-bit on the wire. A receiver widens a wire value to the 64-bit
 * number nearest the one it expects, which is exact while fewer than 2^31 messages separate them; windows are
 * far smaller than that.
 */
public final class Seqnos {
    private Seqnos() {
    }

    public static int toWire(long seqno) {
        return (int) seqno;
    }

    public static long widen(int wire, long expected) {
        return expected + (wire - (int) expected);
    }
}
