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

    /** The window of the stack descriptions' reliable layers when none is given (LayerCatalog's default). */
    public static final int DEFAULT_WINDOW = 256;
    /** A UDP payload in a 1500-byte MTU, for kernel UDP and AF_XDP alike. */
    public static final int DEFAULT_PACKET_LENGTH = 1472;
    /** Bytes of headers a stack may push: bottom 24, mnak 6, pt2pt 5, frag 5, a checker 5, and some to spare. */
    private static final int STACK_HEADERS = 48;

    /**
     * A configuration whose pools are just large enough for the named stacks (default windows) in a group of up to
     * {@code maxGroupSize} members with messages of up to {@code maxMessageLength} bytes, over a 1500-byte MTU.
     */
    public static MemberConfig sizedFor(int maxGroupSize, int maxMessageLength) {
        return sizedFor(maxGroupSize, maxMessageLength, DEFAULT_WINDOW, DEFAULT_PACKET_LENGTH);
    }

    /**
     * A configuration whose pools hold what the reliable layers may buffer with windows of {@code window}: the
     * receive account covers what mnak, pt2pt and frag may hold for every other member, the send account a few of
     * the largest messages, the events all of that and what a total-order layer holds (a window per member).
     */
    public static MemberConfig sizedFor(int maxGroupSize, int maxMessageLength, int window, int maxPacketLength) {
        FramePoolConfig frames = new FramePoolConfig();
        int perFrame = Math.min(frames.frameSize() - frames.headroom(), maxPacketLength - STACK_HEADERS);
        int perMessage = Math.max(1, (maxMessageLength + perFrame - 1) / perFrame);
        int pollLimit = 64;
        int receive = pollLimit + (maxGroupSize - 1) * (3 * window + 2 * perMessage) + 64;
        int send = Math.max(1024, 2 * perMessage + 2 * window);
        int control = 256;
        frames.frameCount(receive + send + control).receiveLimit(receive).sendLimit(send).controlLimit(control);
        int ordering = (maxGroupSize + 1) * window;
        int events = send + 2 * (maxGroupSize - 1) * window + ordering + 2 * maxGroupSize + MemberAgent.EVENT_RESERVE
            + 256;
        return new MemberConfig().frames(frames).eventCount(events).maxGroupSize(maxGroupSize)
            .maxMessageLength(maxMessageLength).pollLimit(pollLimit);
    }

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
