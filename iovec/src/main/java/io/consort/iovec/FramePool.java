package io.consort.iovec;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fixed-size, refcounted frames over one {@link MemoryRegion}.
 *
 * <p>A frame is named by its index. Frame {@code i} occupies bytes {@code [i * frameSize, (i + 1) * frameSize)}
 * of the region, so its offset is also its AF_XDP UMEM address. Payloads start after {@link #headroom()} bytes
 * so that layers can push headers in front of them without copying.
 *
 * <p>A pool that runs dry says so ({@link #NO_FRAME}); it never allocates more and never throws for it.
 * Single-threaded: a pool belongs to one member's duty cycle.
 */
public final class FramePool implements AutoCloseable {
    public static final int NO_FRAME = -1;

    private final MemoryRegion region;
    private final UnsafeBuffer buffer;
    private final int frameSize;
    private final int frameShift;
    private final int frameCount;
    private final int headroom;
    private final int[] limits = new int[Account.values().length];
    private final int[] inUse = new int[Account.values().length];
    private final long[] exhausted = new long[Account.values().length];
    private final int[] freeStack;
    private int freeCount;
    private final int[] refCounts;
    private final byte[] accounts;
    private final LeakDetector leaks;

    public FramePool(MemoryRegion region, FramePoolConfig config) {
        config.validate();
        if (region.length() < config.regionLength()) {
            throw new IllegalArgumentException("region of " + region.length() + " bytes is smaller than the "
                + config.regionLength() + " the frame pool needs");
        }
        this.region = region;
        this.buffer = region.buffer();
        this.frameSize = config.frameSize();
        this.frameShift = Integer.numberOfTrailingZeros(frameSize);
        this.frameCount = config.frameCount();
        this.headroom = config.headroom();
        this.limits[Account.SEND.ordinal()] = config.sendLimit();
        this.limits[Account.RECEIVE.ordinal()] = config.receiveLimit();
        this.limits[Account.CONTROL.ordinal()] = config.controlLimit();
        this.freeStack = new int[frameCount];
        this.refCounts = new int[frameCount];
        this.accounts = new byte[frameCount];
        for (int i = 0; i < frameCount; i++) {
            freeStack[i] = frameCount - 1 - i;
        }
        this.freeCount = frameCount;
        this.leaks = new LeakDetector("frame", frameCount, config.leakDetection());
    }

    /** A pool over freshly allocated memory. */
    public static FramePool allocate(FramePoolConfig config) {
        config.validate();
        return new FramePool(MemoryRegion.allocate((int) config.regionLength()), config);
    }

    /**
     * Takes a free frame with a reference count of one, charged to {@code account}.
     *
     * @return the frame index, or {@link #NO_FRAME} when the pool or the account's cap is exhausted.
     */
    public int acquire(Account account) {
        int a = account.ordinal();
        if (freeCount == 0 || inUse[a] >= limits[a]) {
            exhausted[a]++;
            return NO_FRAME;
        }
        int frame = freeStack[--freeCount];
        refCounts[frame] = 1;
        accounts[frame] = (byte) a;
        inUse[a]++;
        leaks.onAcquire(frame);
        return frame;
    }

    /** True when {@code count} frames can be acquired for {@code account} right now. */
    public boolean canAcquire(Account account, int count) {
        int a = account.ordinal();
        return freeCount >= count && limits[a] - inUse[a] >= count;
    }

    public void retain(int frame) {
        checkHeld(frame);
        refCounts[frame]++;
    }

    /** Drops one reference; the frame returns to the pool when the last one goes. */
    public void release(int frame) {
        checkHeld(frame);
        if (--refCounts[frame] == 0) {
            inUse[accounts[frame]]--;
            freeStack[freeCount++] = frame;
            leaks.onRelease(frame);
        }
    }

    private void checkHeld(int frame) {
        if (frame < 0 || frame >= frameCount || refCounts[frame] <= 0) {
            throw new IllegalStateException("frame " + frame + " is not held (released twice, or never acquired)");
        }
    }

    public int refCount(int frame) {
        return refCounts[frame];
    }

    /** The frame's first byte as an index into {@link #buffer()}; also its UMEM address. */
    public int frameOffset(int frame) {
        return frame << frameShift;
    }

    /** The frame that contains the region index {@code offset}. */
    public int frameOf(long offset) {
        return (int) (offset >>> frameShift);
    }

    /** The whole region; frame data is addressed with {@link #frameOffset(int)}. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    public MemoryRegion region() {
        return region;
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

    /** Bytes of payload a frame holds after its headroom. */
    public int payloadCapacity() {
        return frameSize - headroom;
    }

    public int available() {
        return freeCount;
    }

    public int inUse(Account account) {
        return inUse[account.ordinal()];
    }

    public int limit(Account account) {
        return limits[account.ordinal()];
    }

    /** How many times an acquire for {@code account} found nothing. */
    public long exhaustedCount(Account account) {
        return exhausted[account.ordinal()];
    }

    public int inUse() {
        return frameCount - freeCount;
    }

    /** Empty when every frame is back; otherwise which frames are held and, if recorded, where from. */
    public String leakReport() {
        int[] held = new int[inUse()];
        int count = 0;
        for (int i = 0; i < frameCount; i++) {
            if (refCounts[i] > 0) {
                held[count++] = i;
            }
        }
        return leaks.describe(held, count);
    }

    @Override
    public void close() throws Exception {
        region.close();
    }
}
