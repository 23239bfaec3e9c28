package io.consort.bench.compare;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What every benchmark message starts with, whichever toolkit carries it: the sender's rank, its sequence number
 * and the {@link System#nanoTime()} it was offered at (all members share the JVM's clock). The rest is padding.
 *
 * <pre>
 *  0       4               12              20
 * +-------+---------------+---------------+--------- ... padding to the message size
 * | rank  |    seqno      |  sent at (ns) |
 * +-------+---------------+---------------+--------- ...
 * </pre>
 */
final class Probe {
    static final int LENGTH = 20;

    private Probe() {
    }

    static void write(MutableDirectBuffer buffer, int offset, int rank, long seqno) {
        buffer.putInt(offset, rank);
        buffer.putLong(offset + 4, seqno);
        buffer.putLong(offset + 12, System.nanoTime());
    }

    static int rank(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset);
    }

    static long seqno(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + 4);
    }
}
