package io.consort.cli.perf;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.BufferUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sending half of a perf process, on a thread of its own: multicasts numbered, timestamped, checksummed
 * messages from the start of the run to its end, at {@code --rate} per second or as fast as back-pressure allows,
 * then a final message with the count. One preallocated buffer; nothing allocated per message.
 */
final class PerfSender implements Runnable {
    private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Member member;
    private final int address;
    private final int size;
    private final int rate;
    private final long start;
    private final long windowStart;
    private final long end;
    private final long finalDeadline;
    private final UnsafeBuffer message;
    private final BodyChecksum checksum;
    private final IdleStrategy backPressureIdle =
        new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    private volatile long sent;
    private volatile long sentInWindow;
    private volatile long backPressured;
    private volatile int refusal = SendResult.OK;
    private volatile boolean finished;
    private volatile boolean stopped;

    /**
     * Sends from {@code start} to {@code end} ({@code System.nanoTime()}); counts sends after {@code windowStart}
     * apart; gives up on the final message at {@code finalDeadline}.
     */
    PerfSender(Member member, int address, int size, int rate, long start, long windowStart, long end,
               long finalDeadline) {
        this.member = member;
        this.address = address;
        this.size = size;
        this.rate = rate;
        this.start = start;
        this.windowStart = windowStart;
        this.end = end;
        this.finalDeadline = finalDeadline;
        this.message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(64, size), 64));
        this.checksum = new BodyChecksum(size);
        PerfMessage.fillBody(message, address, size);
    }

    @Override
    public void run() {
        try {
            sendData();
            if (refusal == SendResult.OK && !stopped) {
                sendFinal();
            }
        } finally {
            finished = true;
        }
    }

    private void sendData() {
        double period = rate > 0 ? 1e9 / rate : 0;
        double due = start;
        long count = 0;
        while (!stopped) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            if (rate > 0) {
                if (now < (long) due) {
                    LockSupport.parkNanos(Math.min((long) due - now, end - now));
                    continue;
                }
                if (now - (long) due > MAX_LAG_NANOS) {
                    due = now; // fell far behind (a pause): go on at the rate rather than burst to catch up
                }
            }
            PerfMessage.stamp(message, size, address, PerfMessage.DATA, count, now, checksum);
            int result = member.multicast(message, 0, size);
            if (result == SendResult.OK) {
                count++;
                sent = count;
                if (now >= windowStart) {
                    sentInWindow = sentInWindow + 1;
                }
                due += period;
                backPressureIdle.reset();
            } else if (result == SendResult.BACK_PRESSURED) {
                backPressured = backPressured + 1;
                backPressureIdle.idle();
            } else {
                refusal = result;
                return;
            }
        }
    }

    private void sendFinal() {
        while (!stopped) {
            PerfMessage.stamp(message, size, address, PerfMessage.FINAL, sent, System.nanoTime(), checksum);
            int result = member.multicast(message, 0, size);
            if (result == SendResult.OK) {
                return;
            }
            if (result != SendResult.BACK_PRESSURED) {
                refusal = result;
                return;
            }
            backPressured = backPressured + 1;
            if (System.nanoTime() > finalDeadline) {
                refusal = SendResult.BACK_PRESSURED;
                return;
            }
            backPressureIdle.idle();
        }
    }

    void stop() {
        stopped = true;
    }

    long sent() {
        return sent;
    }

    long sentInWindow() {
        return sentInWindow;
    }

    long backPressured() {
        return backPressured;
    }

    boolean finished() {
        return finished;
    }

    /** Why sending stopped early ({@link SendResult}), or {@link SendResult#OK}. */
    int refusal() {
        return refusal;
    }
}
