package io.consort.cli.member;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.sim.membership.Recorder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Self-checking numbered multicasts at a steady rate ({@code --traffic}, or {@code /traffic RATE} on stdin):
 * message k of this endpoint carries k and a body derived from it ({@link Recorder#fill}), so every receiver checks
 * it is intact and the journals show loss, duplication and order. Rate 0 pauses.
 */
final class Traffic implements Runnable {
    private final Member member;
    private final int size;
    private final AtomicCounter offered;
    private final AtomicCounter refused;
    private final AtomicCounter runningRate;
    private volatile int rate;
    private volatile boolean stopped;
    private volatile Thread sender;
    private volatile long number;

    /**
     * @param runningRate set by the sending thread to the rate it runs at, so that a watcher knows when a pause
     *     has taken effect (0: nothing more will be sent until the rate changes)
     */
    Traffic(Member member, int size, int rate, AtomicCounter offered, AtomicCounter refused,
            AtomicCounter runningRate) {
        if (size < Recorder.HEADER || size > member.maxMessageLength()) {
            throw new IllegalArgumentException("--size must be " + Recorder.HEADER + " to " + member.maxMessageLength()
                + ", was " + size);
        }
        this.member = member;
        this.size = size;
        this.offered = offered;
        this.refused = refused;
        this.runningRate = runningRate;
        rate(rate);
    }

    static void checkRate(int rate) {
        if (rate < 0 || rate > 1_000_000) {
            throw new IllegalArgumentException("the traffic rate is 0 to 1000000 messages/s, was " + rate);
        }
    }

    void rate(int rate) {
        checkRate(rate);
        this.rate = rate;
        LockSupport.unpark(sender);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(sender);
    }

    /** Casts this member has had accepted so far. */
    long offered() {
        return number;
    }

    @Override
    public void run() {
        sender = Thread.currentThread();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[size]);
        long next = System.nanoTime();
        while (!stopped) {
            int perSecond = rate;
            runningRate.setRelease(perSecond);
            if (perSecond == 0) {
                LockSupport.park(this);
                next = System.nanoTime();
                continue;
            }
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            Recorder.fill(scratch, member.endpoint(), number, size);
            int result = member.multicast(scratch, 0, size);
            if (result == SendResult.OK) {
                number++;
                offered.increment();
                next += TimeUnit.SECONDS.toNanos(1) / perSecond;
            } else if (result == SendResult.LEAVING || member.hasLeft() || member.wasExcluded()) {
                return;
            } else {
                refused.increment();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }
}
