package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryRegionTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 100, 4095, 4096, 4097, 1 << 20})
    void allocatedRegionsArePageAlignedZeroedAndExactlyAsLong(int length) throws Exception {
        try (MemoryRegion region = MemoryRegion.allocate(length)) {
            assertEquals(0, region.address() % MemoryRegion.PAGE_SIZE, "address 0x" + Long.toHexString(region.address()));
            assertEquals(length, region.length());
            assertEquals(length, region.buffer().capacity());
            for (int i = 0; i < length; i += 997) {
                assertEquals(0, region.buffer().getByte(i));
            }
            region.buffer().putByte(length - 1, (byte) 7);
            assertEquals(7, region.buffer().getByte(length - 1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void nonPositiveLengthsAreRefused(int length) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> MemoryRegion.allocate(length));
        assertTrue(error.getMessage().contains("must be positive, was " + length), error.getMessage());
    }

    @Test
    void lengthsThatCannotBeRoundedUpToAPageAreRefusedClearly() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> MemoryRegion.allocate(Integer.MAX_VALUE));
        assertTrue(error.getMessage().contains("too large"), error.getMessage());
    }

    @Test
    void alignUpRoundsToWholePages() {
        assertEquals(4096, MemoryRegion.alignUp(1));
        assertEquals(4096, MemoryRegion.alignUp(4096));
        assertEquals(8192, MemoryRegion.alignUp(4097));
    }

    @Test
    void wrapRefusesAnUnalignedAddress() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> MemoryRegion.wrap(4096 + 8, 4096, null));
        assertTrue(error.getMessage().contains("page-aligned: 0x1008"), error.getMessage());
    }

    @Test
    void wrapRefusesANonPositiveLength() throws Exception {
        try (MemoryRegion backing = MemoryRegion.allocate(8192)) {
            assertThrows(IllegalArgumentException.class, () -> MemoryRegion.wrap(backing.address(), 0, null));
        }
    }

    @Test
    void wrappedRegionSeesTheSameMemoryAndClosesItsReleaserOnce() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        try (MemoryRegion backing = MemoryRegion.allocate(8192)) {
            MemoryRegion wrapped = MemoryRegion.wrap(backing.address(), 8192, closed::incrementAndGet);
            assertEquals(backing.address(), wrapped.address());
            wrapped.buffer().putLong(4096, 0x1234_5678_9ABCL);
            assertEquals(0x1234_5678_9ABCL, backing.buffer().getLong(4096));
            wrapped.close();
            wrapped.close();
            assertEquals(1, closed.get());
        }
    }

    @Test
    void aFramePoolCanLiveInAWrappedRegion() throws Exception {
        try (MemoryRegion backing = MemoryRegion.allocate(64 * 2048)) {
            FramePoolConfig config = new FramePoolConfig().frameCount(64);
            FramePool frames = new FramePool(MemoryRegion.wrap(backing.address(), 64 * 2048, null), config);
            int frame = frames.acquire(Account.RECEIVE);
            frames.buffer().putInt(frames.frameOffset(frame), 42);
            assertEquals(42, backing.buffer().getInt(frames.frameOffset(frame)));
            frames.release(frame);
        }
    }
}
