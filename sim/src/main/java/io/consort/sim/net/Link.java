package io.consort.sim.net;

import java.util.SplittableRandom;

/**
 * One directed link's settings and the instant it finishes sending what it was given. Draws its faults from
 * the network's random source, so the order of calls alone decides every draw.
 */
final class Link {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private double loss;
    private double duplicate;
    private long baseDelay;
    private long jitter;
    private double reorder;
    private long reorderDelay;
    private long bandwidth;
    private long backlogLimit;
    private long busyUntil;

    void configure(LinkConfig config) {
        config.validate();
        loss = config.loss();
        duplicate = config.duplicate();
        baseDelay = config.baseDelayNanos();
        jitter = config.jitterNanos();
        reorder = config.reorder();
        reorderDelay = config.reorderDelayNanos();
        bandwidth = config.bandwidthBytesPerSecond();
        backlogLimit = config.backlogLimitNanos();
    }

    /** True when a packet handed over at {@code now} would wait longer than the backlog limit. */
    boolean backlogged(long now) {
        return busyUntil - now > backlogLimit;
    }

    /** Puts {@code length} bytes on the wire at {@code now}; returns when the last byte has left. */
    long transmit(long now, int length) {
        if (bandwidth == LinkConfig.UNLIMITED_BANDWIDTH) {
            return now;
        }
        long start = Math.max(now, busyUntil);
        busyUntil = start + (length * NANOS_PER_SECOND + bandwidth - 1) / bandwidth;
        return busyUntil;
    }

    boolean lose(SplittableRandom random) {
        return loss > 0 && random.nextDouble() < loss;
    }

    boolean duplicate(SplittableRandom random) {
        return duplicate > 0 && random.nextDouble() < duplicate;
    }

    /** The time a packet spends on the link after it has left, faults included. */
    long delay(SplittableRandom random) {
        long delay = baseDelay;
        if (jitter > 0) {
            delay += random.nextLong(jitter + 1);
        }
        if (reorder > 0 && random.nextDouble() < reorder && reorderDelay > 0) {
            delay += random.nextLong(reorderDelay + 1);
        }
        return delay;
    }
}
