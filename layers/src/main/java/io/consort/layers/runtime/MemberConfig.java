package io.consort.layers.runtime;

import io.consort.iovec.FramePoolConfig;
import java.util.concurrent.TimeUnit;

/**
 * Sizes and limits of one member: its frame pool, event pool, the largest message it accepts, the application
 * ring, and how much work one duty cycle does. Every bound on memory is here.
 */
public final class MemberConfig {
    private FramePoolConfig frames = new FramePoolConfig();
    private int eventCount = 4096;
    private int maxMessageLength = 64 * 1024;
    private int applicationRingLength = -1;
    private int pollLimit = 64;
    private int applicationLimit = 64;
    private long timerResolutionNanos = TimeUnit.MICROSECONDS.toNanos(100);

    public MemberConfig frames(FramePoolConfig frames) {
        this.frames = frames;
        return this;
    }

    public MemberConfig eventCount(int eventCount) {
        this.eventCount = eventCount;
        return this;
    }

    public MemberConfig maxMessageLength(int maxMessageLength) {
        this.maxMessageLength = maxMessageLength;
        return this;
    }

    /** Bytes of the ring the application writes into; must be a power of two. Default: fits 8 largest messages. */
    public MemberConfig applicationRingLength(int applicationRingLength) {
        this.applicationRingLength = applicationRingLength;
        return this;
    }

    /** Packets taken from the transport per duty cycle. */
    public MemberConfig pollLimit(int pollLimit) {
        this.pollLimit = pollLimit;
        return this;
    }

    /** Application messages taken from the ring per duty cycle. */
    public MemberConfig applicationLimit(int applicationLimit) {
        this.applicationLimit = applicationLimit;
        return this;
    }

    public MemberConfig timerResolutionNanos(long timerResolutionNanos) {
        this.timerResolutionNanos = timerResolutionNanos;
        return this;
    }

    public FramePoolConfig frames() {
        return frames;
    }

    public int eventCount() {
        return eventCount;
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    public int applicationRingLength() {
        if (applicationRingLength > 0) {
            return applicationRingLength;
        }
        long wanted = Math.max(1 << 16, 8L * maxMessageLength);
        return (int) Math.min(1 << 30, Long.highestOneBit(wanted - 1) << 1);
    }

    public int pollLimit() {
        return pollLimit;
    }

    public int applicationLimit() {
        return applicationLimit;
    }

    public long timerResolutionNanos() {
        return timerResolutionNanos;
    }
}
