package io.consort.layers.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** 32-bit wire sequence numbers widen back to the 64-bit ones they came from, across every wrap. */
class SeqnosProperties {
    @Property(tries = 2000)
    void widenRecoversTheSequenceNumberNearTheExpectedOne(
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long expected,
        @ForAll @LongRange(min = -(1L << 31) + 1, max = (1L << 31) - 1) long distance) {
        long seqno = expected + distance;
        assertEquals(seqno, Seqnos.widen(Seqnos.toWire(seqno), expected));
    }
}
