package io.consort.iovec;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One contiguous, page-aligned block of off-heap memory that frames are carved from.
 *
 * <p>The region is either allocated here (direct memory) or wraps memory that someone else owns, such as an
 * AF_XDP UMEM area mapped by native code; {@link #address()} is what such code registers with the kernel.
 */
public final class MemoryRegion implements AutoCloseable {
    public static final int PAGE_SIZE = 4096;
    /** The longest region {@link #allocate} can round up to whole pages and align within one direct buffer. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 2 * PAGE_SIZE + 1;

    private final UnsafeBuffer buffer;
    private final ByteBuffer owner;
    private final AutoCloseable releaser;
    private boolean closed;

    private MemoryRegion(UnsafeBuffer buffer, ByteBuffer owner, AutoCloseable releaser) {
        this.buffer = buffer;
        this.owner = owner;
        this.releaser = releaser;
    }

    /** Allocates {@code length} bytes of page-aligned direct memory, zeroed. */
    public static MemoryRegion allocate(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("region length must be positive, was " + length);
        }
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("region length " + length + " is too large; at most " + MAX_LENGTH
                + " bytes can be allocated page-aligned");
        }
        ByteBuffer bytes = BufferUtil.allocateDirectAligned(alignUp(length), PAGE_SIZE);
        return new MemoryRegion(new UnsafeBuffer(bytes, 0, length), bytes, null);
    }

    /**
     * Wraps memory owned elsewhere (for example mmapped huge pages). {@code releaser} is closed once, when this
     * region is closed; the memory must stay valid until then.
     */
    public static MemoryRegion wrap(long address, int length, AutoCloseable releaser) {
        if ((address & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("region address must be page-aligned: 0x" + Long.toHexString(address));
        }
        if (length <= 0) {
            throw new IllegalArgumentException("region length must be positive, was " + length);
        }
        return new MemoryRegion(new UnsafeBuffer(address, length), null, releaser);
    }

    static int alignUp(int length) {
        return (length + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /** The whole region as a buffer; index 0 is the region's first byte. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    /** Native address of the region's first byte. */
    public long address() {
        return buffer.addressOffset();
    }

    public int length() {
        return buffer.capacity();
    }

    /** Keeps the backing {@link ByteBuffer} reachable for as long as the region is. */
    ByteBuffer owner() {
        return owner;
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (releaser != null) {
            releaser.close();
        }
    }
}
