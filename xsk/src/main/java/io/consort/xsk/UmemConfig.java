package io.consort.xsk;

import io.consort.iovec.FramePoolConfig;

/**
 * Shape of a {@link Umem}: the frame pool it is carved into (frame size, count, headroom, account caps), the
 * sizes of its fill and completion rings, and whether to back it with huge pages.
 *
 * <p>AF_XDP in aligned mode needs frames of 2048 or 4096 bytes. The pool's headroom is Consort's, for layers
 * to prepend headers; the kernel adds its own {@code XDP_PACKET_HEADROOM} (256) in front of received data,
 * so received packets start at {@code frameOffset + 256 + kernelHeadroom()}.
 */
public final class UmemConfig {
    private FramePoolConfig framePool = new FramePoolConfig().frameSize(2048).frameCount(8192);
    private int fillRingSize = 4096;
    private int completionRingSize = 4096;
    private int kernelHeadroom;
    private boolean hugePages;

    public UmemConfig framePool(FramePoolConfig framePool) {
        this.framePool = framePool;
        return this;
    }

    public UmemConfig fillRingSize(int size) {
        this.fillRingSize = size;
        return this;
    }

    public UmemConfig completionRingSize(int size) {
        this.completionRingSize = size;
        return this;
    }

    /** Extra bytes the kernel leaves free in front of each received packet (the UMEM's frame_headroom). */
    public UmemConfig kernelHeadroom(int bytes) {
        this.kernelHeadroom = bytes;
        return this;
    }

    /** Back the UMEM with 2 MiB huge pages (they must be reserved: {@code /proc/sys/vm/nr_hugepages}). */
    public UmemConfig hugePages(boolean hugePages) {
        this.hugePages = hugePages;
        return this;
    }

    public FramePoolConfig framePool() {
        return framePool;
    }

    public int fillRingSize() {
        return fillRingSize;
    }

    public int completionRingSize() {
        return completionRingSize;
    }

    public int kernelHeadroom() {
        return kernelHeadroom;
    }

    public boolean hugePages() {
        return hugePages;
    }

    void validate(int frameSize) {
        if (frameSize != 2048 && frameSize != 4096) {
            throw new IllegalArgumentException("AF_XDP needs frames of 2048 or 4096 bytes, the pool has " + frameSize);
        }
        requirePowerOfTwo("fillRingSize", fillRingSize);
        requirePowerOfTwo("completionRingSize", completionRingSize);
        if (kernelHeadroom < 0 || kernelHeadroom > frameSize / 4) {
            throw new IllegalArgumentException("kernelHeadroom must be between 0 and " + frameSize / 4);
        }
    }

    static void requirePowerOfTwo(String name, int value) {
        if (value <= 0 || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(name + " must be a power of two, was " + value);
        }
    }
}
