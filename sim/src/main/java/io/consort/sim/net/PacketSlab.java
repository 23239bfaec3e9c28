package io.consort.sim.net;

import java.nio.ByteBuffer;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Storage for the packets the network holds: fixed-size slots in one off-heap arena, each with its source,
 * destination and length beside it. All of it is allocated up front; a full slab says so with {@link #NONE}.
 */
final class PacketSlab {
    static final int NONE = -1;

    private final UnsafeBuffer buffer;
    private final int slotSize;
    private final int[] freeSlots;
    private int freeCount;
    private final int[] source;
    private final int[] destination;
    private final int[] length;

    PacketSlab(int slots, int maxPacketLength) {
        this.slotSize = BitUtil.align(Math.max(1, maxPacketLength), BitUtil.CACHE_LINE_LENGTH);
        if ((long) slots * slotSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(slots + " slots of " + slotSize + " bytes exceed 2 GiB");
        }
        // Not allocateDirectAligned: its buffer is a slice, which cannot be freed on close.
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(slots * slotSize));
        this.freeSlots = new int[slots];
        this.source = new int[slots];
        this.destination = new int[slots];
        this.length = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeSlots[i] = slots - 1 - i;
        }
        this.freeCount = slots;
    }

    /** A free slot holding nothing yet, or {@link #NONE}. */
    int allocate(int source, int destination, int length) {
        if (freeCount == 0) {
            return NONE;
        }
        int slot = freeSlots[--freeCount];
        this.source[slot] = source;
        this.destination[slot] = destination;
        this.length[slot] = length;
        return slot;
    }

    void free(int slot) {
        freeSlots[freeCount++] = slot;
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    /** Index of the slot's first byte in {@link #buffer()}. */
    int offset(int slot) {
        return slot * slotSize;
    }

    int source(int slot) {
        return source[slot];
    }

    int destination(int slot) {
        return destination[slot];
    }

    int length(int slot) {
        return length[slot];
    }

    int capacity() {
        return freeSlots.length;
    }

    int inUse() {
        return freeSlots.length - freeCount;
    }

    /** Returns the arena's memory now rather than at some later garbage collection; nothing may touch the slab after. */
    void close() {
        BufferUtil.free(buffer);
    }
}
