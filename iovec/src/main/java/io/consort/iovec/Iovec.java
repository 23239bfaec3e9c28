package io.consort.iovec;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A message as a scatter list of extents (frame, offset, length) over one {@link FramePool}, each extent holding
 * one reference to its frame (Ensemble's iovec). Slicing, fragmenting, joining and prepending move or add
 * references; they never copy payload bytes.
 *
 * <p>Offsets are relative to the frame's start, so {@link #push(int)} can grow the first extent backwards into
 * the frame's headroom for a header and {@link #pull(int)} can strip one. The extent arrays grow while the
 * stack warms up and are kept afterwards. Single-threaded.
 */
public final class Iovec {
    private static final int INITIAL_EXTENTS = 4;

    private final FramePool pool;
    private final UnsafeBuffer buffer;
    private int count;
    private int length;
    private int[] frames;
    private int[] offsets;
    private int[] lengths;
    private boolean onLoan;

    public Iovec(FramePool pool) {
        this(pool, INITIAL_EXTENTS);
    }

    /** An iovec with room for {@code extents} extents before it has to grow. */
    public Iovec(FramePool pool, int extents) {
        this.pool = pool;
        this.buffer = pool.buffer();
        this.frames = new int[Math.max(1, extents)];
        this.offsets = new int[frames.length];
        this.lengths = new int[frames.length];
    }

    /**
     * True while the iovec is lent to someone else (for example a large preallocated list carried by a pooled
     * event); the lender must not reuse it until it comes back.
     */
    public boolean onLoan() {
        return onLoan;
    }

    public void onLoan(boolean lent) {
        this.onLoan = lent;
    }

    /** How many extents fit before the arrays grow. */
    public int capacity() {
        return frames.length;
    }

    public FramePool pool() {
        return pool;
    }

    /** The buffer that {@link #index(int)}, {@link #push(int)} and {@link #pull(int)} indices refer to. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    /** Total bytes over all extents. */
    public int length() {
        return length;
    }

    public int extentCount() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int frame(int extent) {
        return frames[extent];
    }

    public int offset(int extent) {
        return offsets[extent];
    }

    public int extentLength(int extent) {
        return lengths[extent];
    }

    /** Index into {@link #buffer()} of the first byte of {@code extent}. */
    public int index(int extent) {
        return pool.frameOffset(frames[extent]) + offsets[extent];
    }

    /**
     * Appends an extent, taking over a reference the caller already holds (for example a freshly acquired
     * frame). Empty extents are accepted so that a header-only message can still be built with push.
     */
    public void appendOwned(int frame, int offset, int extentLength) {
        checkExtent(offset, extentLength);
        ensureCapacity(count + 1);
        frames[count] = frame;
        offsets[count] = offset;
        lengths[count] = extentLength;
        count++;
        length += extentLength;
    }

    /** Appends an extent and takes a new reference to its frame. */
    public void appendShared(int frame, int offset, int extentLength) {
        checkExtent(offset, extentLength); // before retaining, so a refused extent leaves no reference behind
        pool.retain(frame);
        appendOwned(frame, offset, extentLength);
    }

    private void checkExtent(int offset, int extentLength) {
        if (offset < 0 || extentLength < 0 || extentLength > pool.frameSize() - offset) {
            throw new IllegalArgumentException(
                "extent [" + offset + ", +" + extentLength + ") lies outside a " + pool.frameSize() + "-byte frame");
        }
    }

    /** Appends {@code length} bytes of {@code source} starting at byte {@code position}, sharing its frames. */
    public void appendSlice(Iovec source, int position, int sliceLength) {
        if (source.pool != pool) {
            throw new IllegalArgumentException("iovecs over different pools cannot share extents");
        }
        if (position < 0 || sliceLength < 0 || position + sliceLength > source.length) {
            throw new IndexOutOfBoundsException(
                "slice [" + position + ", +" + sliceLength + ") of a " + source.length + "-byte iovec");
        }
        int remaining = sliceLength;
        for (int e = 0; e < source.count && remaining > 0; e++) {
            int extentLength = source.lengths[e];
            if (position >= extentLength) {
                position -= extentLength;
                continue;
            }
            int take = Math.min(extentLength - position, remaining);
            appendShared(source.frames[e], source.offsets[e] + position, take);
            remaining -= take;
            position = 0;
        }
    }

    /** Appends all of {@code source}, sharing its frames. */
    public void appendAll(Iovec source) {
        appendSlice(source, 0, source.length);
    }

    /** Moves every extent of {@code source} onto the end of this one; {@code source} is left empty. */
    public void appendMoved(Iovec source) {
        if (source.pool != pool) {
            throw new IllegalArgumentException("iovecs over different pools cannot share extents");
        }
        if (source == this) {
            // Moving would empty this iovec and drop its references; appendAll shares instead.
            throw new IllegalArgumentException("an iovec cannot be moved onto itself; use appendAll to repeat it");
        }
        ensureCapacity(count + source.count);
        System.arraycopy(source.frames, 0, frames, count, source.count);
        System.arraycopy(source.offsets, 0, offsets, count, source.count);
        System.arraycopy(source.lengths, 0, lengths, count, source.count);
        count += source.count;
        length += source.length;
        source.count = 0;
        source.length = 0;
    }

    /**
     * Grows the first extent backwards by {@code headerLength} bytes for a header.
     *
     * @return the buffer index to write the header at, or -1 if the frame's headroom is too small.
     */
    public int push(int headerLength) {
        checkHeaderLength(headerLength);
        if (count == 0 || offsets[0] < headerLength) {
            return -1;
        }
        offsets[0] -= headerLength;
        lengths[0] += headerLength;
        length += headerLength;
        return index(0);
    }

    /**
     * Strips {@code headerLength} bytes off the front. The header must lie in the first extent, as every header
     * pushed by {@link #push(int)} does.
     *
     * @return the buffer index the header starts at, or -1 if the first extent is shorter than that.
     */
    public int pull(int headerLength) {
        checkHeaderLength(headerLength);
        if (count == 0 || lengths[0] < headerLength) {
            return -1;
        }
        int at = index(0);
        offsets[0] += headerLength;
        lengths[0] -= headerLength;
        length -= headerLength;
        return at;
    }

    private static void checkHeaderLength(int headerLength) {
        if (headerLength < 0) {
            throw new IllegalArgumentException("header length must not be negative, was " + headerLength);
        }
    }

    /** Shortens the list to its first {@code newLength} bytes, releasing extents that fall off the end. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IndexOutOfBoundsException("cannot truncate a " + length + "-byte iovec to " + newLength);
        }
        int keep = newLength;
        int e = 0;
        while (e < count && keep > lengths[e]) {
            keep -= lengths[e++];
        }
        if (e < count) {
            lengths[e] = keep;
            for (int drop = e + 1; drop < count; drop++) {
                pool.release(frames[drop]);
            }
            count = e + 1;
        }
        length = newLength;
    }

    /** Copies every byte, in order, to {@code destination} at {@code destinationIndex}; returns the length. */
    public int copyTo(MutableDirectBuffer destination, int destinationIndex) {
        int at = destinationIndex;
        for (int e = 0; e < count; e++) {
            destination.putBytes(at, buffer, index(e), lengths[e]);
            at += lengths[e];
        }
        return length;
    }

    /** Releases every reference and empties the list. */
    public void clear() {
        for (int e = 0; e < count; e++) {
            pool.release(frames[e]);
        }
        count = 0;
        length = 0;
    }

    private void ensureCapacity(int needed) {
        if (needed > frames.length) {
            int capacity = Math.max(needed, frames.length * 2);
            frames = java.util.Arrays.copyOf(frames, capacity);
            offsets = java.util.Arrays.copyOf(offsets, capacity);
            lengths = java.util.Arrays.copyOf(lengths, capacity);
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Iovec[").append(length).append(" bytes:");
        for (int e = 0; e < count; e++) {
            out.append(' ').append(frames[e]).append('@').append(offsets[e]).append('+').append(lengths[e]);
        }
        return out.append(']').toString();
    }
}
