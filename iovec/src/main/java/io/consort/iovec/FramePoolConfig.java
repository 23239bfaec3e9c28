package io.consort.iovec;

/**
 * Shape of a {@link FramePool}: frame size and count, the headroom reserved in front of every payload for
 * headers, and the caps on frames held for sending and for receiving.
 */
public final class FramePoolConfig {
    public static final int DEFAULT_FRAME_SIZE = 2048;
    public static final int DEFAULT_HEADROOM = 128;

    private int frameSize = DEFAULT_FRAME_SIZE;
    private int frameCount = 4096;
    private int headroom = DEFAULT_HEADROOM;
    private int sendLimit = -1;
    private int receiveLimit = -1;
    private int controlLimit = -1;
    private LeakDetector.Level leakDetection = LeakDetector.defaultLevel();

    public FramePoolConfig frameSize(int frameSize) {
        this.frameSize = frameSize;
        return this;
    }

    public FramePoolConfig frameCount(int frameCount) {
        this.frameCount = frameCount;
        return this;
    }

    public FramePoolConfig headroom(int headroom) {
        this.headroom = headroom;
        return this;
    }

    /** At most this many frames held for sending at once; default: half of what control leaves. */
    public FramePoolConfig sendLimit(int sendLimit) {
        this.sendLimit = sendLimit;
        return this;
    }

    /** At most this many frames held for receiving at once; default: half of what control leaves. */
    public FramePoolConfig receiveLimit(int receiveLimit) {
        this.receiveLimit = receiveLimit;
        return this;
    }

    /** At most this many frames held for protocol control messages; default: 1/16 of the frames, at least 16. */
    public FramePoolConfig controlLimit(int controlLimit) {
        this.controlLimit = controlLimit;
        return this;
    }

    public FramePoolConfig leakDetection(LeakDetector.Level level) {
        this.leakDetection = level;
        return this;
    }

    public int frameSize() {
        return frameSize;
    }

    public int frameCount() {
        return frameCount;
    }

    public int headroom() {
        return headroom;
    }

    public int sendLimit() {
        return sendLimit < 0 ? (frameCount - controlLimit()) / 2 : sendLimit;
    }

    public int receiveLimit() {
        return receiveLimit < 0 ? (frameCount - controlLimit()) / 2 : receiveLimit;
    }

    public int controlLimit() {
        return controlLimit < 0 ? Math.min(frameCount / 2, Math.max(16, frameCount / 16)) : controlLimit;
    }

    public LeakDetector.Level leakDetection() {
        return leakDetection;
    }

    /** Bytes of memory a pool of this shape needs. */
    public long regionLength() {
        return (long) frameSize * frameCount;
    }

    /** Fails with a message saying what to change when the shape is impossible. */
    public void validate() {
        if (frameSize < 256 || Integer.bitCount(frameSize) != 1) {
            throw new IllegalArgumentException("frameSize must be a power of two of at least 256, was " + frameSize);
        }
        if (frameCount < Account.values().length) {
            throw new IllegalArgumentException("frameCount must be at least " + Account.values().length
                + " (a frame for each of send, receive and control), was " + frameCount);
        }
        if (regionLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frameSize * frameCount must stay under 2 GiB, was " + regionLength());
        }
        if (headroom < 0 || headroom >= frameSize / 2) {
            throw new IllegalArgumentException(
                "headroom must be between 0 and frameSize/2 (" + frameSize / 2 + "), was " + headroom);
        }
        if (sendLimit() <= 0 || receiveLimit() <= 0 || controlLimit() <= 0) {
            throw new IllegalArgumentException("sendLimit, receiveLimit and controlLimit must be positive, were "
                + sendLimit() + ", " + receiveLimit() + " and " + controlLimit());
        }
        if ((long) sendLimit() + receiveLimit() + controlLimit() > frameCount) {
            throw new IllegalArgumentException("sendLimit + receiveLimit + controlLimit (" + sendLimit() + " + "
                + receiveLimit() + " + " + controlLimit() + ") exceed frameCount " + frameCount
                + ": raise frameCount or lower a limit, so that no account can starve another");
        }
    }
}
