package io.consort.bench.compare;

import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.DirectBuffer;

/**
 * One member's deliveries, by origin: how many, and whether each came in the origin's order with nothing
 * missing or repeated (the harness checks this after the senders stop). A toolkit may deliver different
 * origins on different threads, never one origin on two at once; the counts are read from other threads.
 */
final class Deliveries {
    private final AtomicLongArray delivered;
    private final AtomicLongArray misordered;

    Deliveries(int members) {
        delivered = new AtomicLongArray(members);
        misordered = new AtomicLongArray(members);
    }

    void onMessage(DirectBuffer buffer, int offset, int length) {
        if (length < Probe.LENGTH) {
            misordered.incrementAndGet(0);
            return;
        }
        int origin = Probe.rank(buffer, offset);
        long seqno = Probe.seqno(buffer, offset);
        if (seqno != delivered.get(origin)) {
            misordered.incrementAndGet(origin);
        }
        delivered.lazySet(origin, seqno + 1);
    }

    /** Messages from {@code origin} delivered so far (the next sequence number expected from it). */
    long from(int origin) {
        return delivered.get(origin);
    }

    long total() {
        long sum = 0;
        for (int i = 0; i < delivered.length(); i++) {
            sum += delivered.get(i);
        }
        return sum;
    }

    long misordered() {
        long sum = 0;
        for (int i = 0; i < misordered.length(); i++) {
            sum += misordered.get(i);
        }
        return sum;
    }
}
