package io.consort.cli.perf;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.View;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.DirectBuffer;

/**
 * The receiving half of a perf process, on the member's duty thread: checks every cast ({@link DeliveryCheck}),
 * counts deliveries and bytes, and records one-way latency (receive time minus the send time in the message, both
 * {@code System.nanoTime()}) for deliveries inside the measurement window. Nothing allocated per message; the
 * counts are single-writer volatiles the progress line reads.
 */
final class PerfReceiver implements MessageHandler {
    /** Latencies above this are recorded as this (a stalled run shows as a 60 s maximum, not an exception). */
    static final long HIGHEST_LATENCY_NANOS = 60_000_000_000L;

    private final DeliveryCheck check;
    private final SingleWriterRecorder latency = new SingleWriterRecorder(1, HIGHEST_LATENCY_NANOS, 3);
    private final int expect;
    private final boolean[] present;
    private volatile View view;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile long delivered;
    private volatile long bytes;
    private volatile long inWindow;
    private volatile long bytesInWindow;
    private volatile boolean settled;
    private volatile boolean problem;
    private volatile boolean left;
    private volatile boolean excluded;

    /** @param expect the view size that starts the run: senders seen in such a view must finish */
    PerfReceiver(DeliveryCheck check, int addresses, int expect) {
        this.check = check;
        this.expect = expect;
        this.present = new boolean[addresses];
    }

    /** Sets the measurement window, in {@code System.nanoTime()}. */
    void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    @Override
    public void onView(View next) {
        view = next;
        if (next.size() < expect && !anyPresent()) {
            return;
        }
        for (int address = 0; address < present.length; address++) {
            boolean inView = next.rankAtAddress(address) >= 0;
            if (present[address] && !inView) {
                check.departed(address);
            }
            present[address] |= inView;
        }
        settled = check.settled();
    }

    private boolean anyPresent() {
        for (boolean seen : present) {
            if (seen) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        long now = System.nanoTime();
        if (kind != CAST) {
            return;
        }
        int result = check.onMessage(view.member(origin).address(), buffer, offset, length);
        if (result == DeliveryCheck.DATA) {
            delivered++;
            bytes += length;
            if (now >= windowStart && now < windowEnd) {
                inWindow++;
                bytesInWindow += length;
                long oneWay = now - PerfMessage.sendTime(buffer, offset);
                latency.recordValue(Math.max(1, Math.min(HIGHEST_LATENCY_NANOS, oneWay)));
            }
        } else if (result == DeliveryCheck.FINAL) {
            settled = check.settled();
        }
        if (!problem && !check.intact()) {
            problem = true;
        }
    }

    @Override
    public void onLeft() {
        left = true;
    }

    @Override
    public void onExcluded() {
        excluded = true;
    }

    View view() {
        return view;
    }

    SingleWriterRecorder latency() {
        return latency;
    }

    long delivered() {
        return delivered;
    }

    long bytes() {
        return bytes;
    }

    long inWindow() {
        return inWindow;
    }

    long bytesInWindow() {
        return bytesInWindow;
    }

    /** True once every sender's final message has come, or it left the view without one. */
    boolean settled() {
        return settled;
    }

    boolean problem() {
        return problem;
    }

    boolean left() {
        return left;
    }

    boolean excluded() {
        return excluded;
    }
}
