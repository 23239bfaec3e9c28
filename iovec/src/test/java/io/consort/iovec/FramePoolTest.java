package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FramePoolTest {
    private FramePool pool;

    private FramePool pool(FramePoolConfig config) {
        pool = FramePool.allocate(config);
        return pool;
    }

    @AfterEach
    void close() throws Exception {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void acquiredFramesAreDistinctAndStartWithOneReference() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < frames.limit(Account.SEND); i++) {
            int frame = frames.acquire(Account.SEND);
            assertTrue(frame >= 0 && frame < 64, "frame index " + frame);
            assertTrue(seen.add(frame), "frame " + frame + " handed out twice");
            assertEquals(1, frames.refCount(frame));
        }
        assertEquals(seen.size(), frames.inUse());
        assertEquals(seen.size(), frames.inUse(Account.SEND));
        assertEquals(64 - seen.size(), frames.available());
        seen.forEach(frames::release);
        assertEquals(0, frames.inUse());
        assertEquals("", frames.leakReport());
    }

    @Test
    void frameReturnsOnlyWhenTheLastReferenceGoes() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64));
        int frame = frames.acquire(Account.RECEIVE);
        frames.retain(frame);
        frames.retain(frame);
        assertEquals(3, frames.refCount(frame));
        frames.release(frame);
        frames.release(frame);
        assertEquals(1, frames.inUse());
        assertEquals(1, frames.inUse(Account.RECEIVE));
        frames.release(frame);
        assertEquals(0, frames.inUse());
        assertEquals(0, frames.inUse(Account.RECEIVE));
        assertEquals(64, frames.available());
    }

    @Test
    void doubleReleaseThrowsNamingTheFrame() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64));
        int frame = frames.acquire(Account.SEND);
        frames.release(frame);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> frames.release(frame));
        assertTrue(error.getMessage().contains("frame " + frame), error.getMessage());
        assertTrue(error.getMessage().contains("released twice"), error.getMessage());
        assertEquals(0, frames.inUse(), "a failed release must not disturb the counts");
        assertEquals(64, frames.available());
    }

    @Test
    void retainOrReleaseOfAFrameNeverAcquiredThrows() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64));
        assertThrows(IllegalStateException.class, () -> frames.retain(5));
        assertThrows(IllegalStateException.class, () -> frames.release(-1));
        assertThrows(IllegalStateException.class, () -> frames.release(64));
        assertThrows(IllegalStateException.class, () -> frames.release(FramePool.NO_FRAME));
    }

    @Test
    void eachAccountIsCappedOnItsOwnAndExhaustionIsCounted() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64).sendLimit(10).receiveLimit(20).controlLimit(4));
        for (int i = 0; i < 10; i++) {
            assertNotEquals(FramePool.NO_FRAME, frames.acquire(Account.SEND));
        }
        assertFalse(frames.canAcquire(Account.SEND, 1));
        assertEquals(FramePool.NO_FRAME, frames.acquire(Account.SEND));
        assertEquals(FramePool.NO_FRAME, frames.acquire(Account.SEND));
        assertEquals(2, frames.exhaustedCount(Account.SEND));
        assertEquals(10, frames.inUse(Account.SEND), "a refused acquire takes nothing");

        // The other accounts are untouched by SEND running dry.
        assertTrue(frames.canAcquire(Account.RECEIVE, 20));
        assertFalse(frames.canAcquire(Account.RECEIVE, 21));
        for (int i = 0; i < 20; i++) {
            assertNotEquals(FramePool.NO_FRAME, frames.acquire(Account.RECEIVE));
        }
        assertEquals(FramePool.NO_FRAME, frames.acquire(Account.RECEIVE));
        for (int i = 0; i < 4; i++) {
            assertNotEquals(FramePool.NO_FRAME, frames.acquire(Account.CONTROL));
        }
        assertEquals(FramePool.NO_FRAME, frames.acquire(Account.CONTROL));

        assertEquals(2, frames.exhaustedCount(Account.SEND));
        assertEquals(1, frames.exhaustedCount(Account.RECEIVE));
        assertEquals(1, frames.exhaustedCount(Account.CONTROL));
        assertEquals(34, frames.inUse());
        assertEquals(30, frames.available(), "the pool has frames left; only the caps refused");
        releaseAll(frames);
    }

    @Test
    void releasingAFrameGivesItsAccountRoomAgain() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64).sendLimit(2).receiveLimit(2).controlLimit(2));
        int first = frames.acquire(Account.SEND);
        frames.acquire(Account.SEND);
        assertEquals(FramePool.NO_FRAME, frames.acquire(Account.SEND));
        frames.release(first);
        assertTrue(frames.canAcquire(Account.SEND, 1));
        assertNotEquals(FramePool.NO_FRAME, frames.acquire(Account.SEND));
        releaseAll(frames);
    }

    @Test
    void aRetainedFrameStaysChargedToTheAccountThatAcquiredIt() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64));
        int frame = frames.acquire(Account.CONTROL);
        frames.retain(frame);
        assertEquals(1, frames.inUse(Account.CONTROL), "a frame counts once however many references it has");
        frames.release(frame);
        frames.release(frame);
        assertEquals(0, frames.inUse(Account.CONTROL));
    }

    @Test
    void framesAreAlignedToTheirSizeAndTheRegionToAPage() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64).frameSize(4096));
        assertEquals(0, frames.region().address() % MemoryRegion.PAGE_SIZE);
        for (int frame = 0; frame < frames.frameCount(); frame++) {
            int offset = frames.frameOffset(frame);
            assertEquals((long) frame * 4096, offset);
            assertEquals(0, (frames.region().address() + offset) % 4096, "frame " + frame + " is page-aligned");
            assertEquals(frame, frames.frameOf(offset));
            assertEquals(frame, frames.frameOf(offset + 4095));
        }
        assertEquals(64 * 4096, frames.buffer().capacity());
    }

    @Test
    void smallFramesTileTheRegionWithoutGaps() {
        FramePool frames = pool(new FramePoolConfig().frameCount(100).frameSize(256).headroom(64)
            .sendLimit(40).receiveLimit(40).controlLimit(20));
        assertEquals(256, frames.frameSize());
        assertEquals(192, frames.payloadCapacity());
        assertEquals(99 * 256, frames.frameOffset(99));
        assertTrue(frames.buffer().capacity() >= 100 * 256);
    }

    @Test
    void framesDoNotOverlap() {
        FramePool frames = pool(new FramePoolConfig().frameCount(32).sendLimit(10).receiveLimit(10).controlLimit(10));
        int a = frames.acquire(Account.SEND);
        int b = frames.acquire(Account.RECEIVE);
        frames.buffer().setMemory(frames.frameOffset(a), frames.frameSize(), (byte) 0x11);
        frames.buffer().setMemory(frames.frameOffset(b), frames.frameSize(), (byte) 0x22);
        for (int i = 0; i < frames.frameSize(); i++) {
            assertEquals(0x11, frames.buffer().getByte(frames.frameOffset(a) + i));
        }
        frames.release(a);
        frames.release(b);
    }

    @Test
    void leakReportListsHeldFramesWithWhereTheyWereAcquired() {
        FramePool frames = pool(new FramePoolConfig().frameCount(64).leakDetection(LeakDetector.Level.STRICT));
        int kept = frames.acquire(Account.SEND);
        int returned = frames.acquire(Account.SEND);
        frames.release(returned);
        String report = frames.leakReport();
        assertTrue(report.startsWith("1 frame(s) not released"), report);
        assertTrue(report.contains("frame #" + kept), report);
        assertFalse(report.contains("frame #" + returned + "\n"), report);
        assertTrue(report.contains("leakReportListsHeldFramesWithWhereTheyWereAcquired"), report);
        frames.release(kept);
        assertEquals("", frames.leakReport());
    }

    @Test
    void defaultConfigUsesTheLevelTheBuildSets() {
        // The parent pom runs tests with -Dconsort.leakDetection=strict.
        assertEquals(LeakDetector.defaultLevel(), new FramePoolConfig().leakDetection());
        if ("strict".equals(System.getProperty(LeakDetector.PROPERTY))) {
            assertEquals(LeakDetector.Level.STRICT, new FramePoolConfig().leakDetection());
        }
    }

    @Test
    void aRegionTooSmallForTheConfigIsRefused() {
        FramePoolConfig config = new FramePoolConfig().frameCount(64);
        MemoryRegion region = MemoryRegion.allocate(63 * 2048);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new FramePool(region, config));
        assertTrue(error.getMessage().contains("smaller than the " + 64 * 2048), error.getMessage());
    }

    private static void releaseAll(FramePool frames) {
        for (int frame = 0; frame < frames.frameCount(); frame++) {
            while (frames.refCount(frame) > 0) {
                frames.release(frame);
            }
        }
        assertEquals(0, frames.inUse());
    }
}
