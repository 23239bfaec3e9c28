package io.consort.layers.runtime;

import io.consort.iovec.FramePoolConfig;
import java.util.concurrent.TimeUnit;
import org.agrona.ErrorHandler;

/**
 * Sizes and limits of one member: its frame pool, event pool, the largest message it accepts, the application
 * ring, and how much work one duty cycle does. Every bound on memory is here.
 */
public final class MemberConfig {
    private FramePoolConfig frames = new FramePoolConfig();
    private int eventCount = 4096;
    private int maxGroupSize = 32;
    private ErrorHandler errorHandler;
    private int maxMessageLength = 64 * 1024;
    private int applicationRingLength = -1;
    private int pollLimit = 64;
    private int applicationLimit = 64;
    private long timerResolutionNanos = TimeUnit.MICROSECONDS.toNanos(100);
    private StatusBuffers status;

    public MemberConfig frames(FramePoolConfig frames) {
        this.frames = frames;
        return this;
    }

    public MemberConfig eventCount(int eventCount) {
        this.eventCount = eventCount;
        return this;
    }

    /** The largest view this member can be part of: sizes per-member state and the pools' worst cases. */
    public MemberConfig maxGroupSize(int maxGroupSize) {
        if (maxGroupSize < 1 || maxGroupSize > View.MAX_SIZE) {
            throw new IllegalArgumentException("maxGroupSize must be between 1 and " + View.MAX_SIZE + ", was "
                + maxGroupSize);
        }
        this.maxGroupSize = maxGroupSize;
        return this;
    }

    public int maxGroupSize() {
        return maxGroupSize;
    }

    /** Also told of every error caught in a duty cycle (which is counted and logged in any case). */
    public MemberConfig errorHandler(ErrorHandler errorHandler) {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /**
     * Where the member keeps its counters and error log (for one member only: do not share a config that holds
     * buffers). In memory when not set.
     */
    public MemberConfig status(StatusBuffers status) {
        this.status = status;
        return this;
    }

    /** The buffers set with {@link #status(StatusBuffers)}, or fresh in-memory ones. */
    public StatusBuffers statusOrInMemory() {
        return status != null ? status : StatusBuffers.inMemory();
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
        long wanted = Math.max(1 << 16, 8L * (maxMessageLength + MemberAgent.SEND_PREFIX + 64));
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
