package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IovecTest {
    private FramePool pool;

    @BeforeEach
    void open() {
        pool = FramePool.allocate(new FramePoolConfig().frameCount(64).frameSize(512).headroom(64)
            .sendLimit(20).receiveLimit(20).controlLimit(20));
    }

    @AfterEach
    void close() throws Exception {
        assertEquals("", pool.leakReport());
        pool.close();
    }

    /** A frame holding {@code length} bytes counting up from {@code first}, after the headroom. */
    private Iovec filled(int length, int first) {
        int frame = pool.acquire(Account.SEND);
        for (int i = 0; i < length; i++) {
            pool.buffer().putByte(pool.frameOffset(frame) + pool.headroom() + i, (byte) (first + i));
        }
        Iovec iovec = new Iovec(pool);
        iovec.appendOwned(frame, pool.headroom(), length);
        return iovec;
    }

    private static byte[] bytes(Iovec iovec) {
        byte[] out = new byte[iovec.length()];
        iovec.copyTo(new UnsafeBuffer(out), 0);
        return out;
    }

    private static byte[] counting(int from, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (from + i);
        }
        return out;
    }

    @Test
    void copyToGathersEveryExtentInOrderAtTheGivenIndex() {
        Iovec message = filled(100, 0);
        Iovec second = filled(50, 100);
        Iovec third = filled(30, 150);
        message.appendMoved(second);
        message.appendMoved(third);
        assertEquals(3, message.extentCount());
        assertEquals(180, message.length());
        byte[] destination = new byte[200];
        assertEquals(180, message.copyTo(new UnsafeBuffer(destination), 10));
        byte[] expected = new byte[200];
        System.arraycopy(counting(0, 180), 0, expected, 10, 180);
        assertArrayEquals(expected, destination);
        message.clear();
    }

    @Test
    void sliceSharesTheOriginalFramesAndCopiesNothing() {
        Iovec message = filled(100, 0);
        message.appendMoved(filled(100, 100));
        int firstFrame = message.frame(0);
        int secondFrame = message.frame(1);

        Iovec slice = new Iovec(pool);
        slice.appendSlice(message, 60, 80);
        assertEquals(2, slice.extentCount());
        assertEquals(firstFrame, slice.frame(0));
        assertEquals(pool.headroom() + 60, slice.offset(0));
        assertEquals(40, slice.extentLength(0));
        assertEquals(secondFrame, slice.frame(1));
        assertEquals(pool.headroom(), slice.offset(1));
        assertEquals(40, slice.extentLength(1));
        assertEquals(message.index(0) + 60, slice.index(0), "the slice points into the original bytes");
        assertEquals(2, pool.refCount(firstFrame));
        assertEquals(2, pool.refCount(secondFrame));
        assertEquals(2, pool.inUse(), "slicing acquires no frame");
        assertArrayEquals(counting(60, 80), bytes(slice));

        // Writing through the original shows through the slice: same memory.
        pool.buffer().putByte(message.index(0) + 70, (byte) -1);
        assertEquals(-1, bytes(slice)[10]);

        message.clear();
        assertEquals(2, pool.inUse(), "the slice still holds both frames");
        slice.clear();
        assertEquals(0, pool.inUse());
    }

    @Test
    void fragmentingIntoPiecesKeepsEveryByteAndEveryPieceInTheOriginalFrame() {
        Iovec message = filled(300, 0);
        Iovec[] pieces = new Iovec[4];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = new Iovec(pool);
            pieces[i].appendSlice(message, i * 75, 75);
            assertEquals(message.frame(0), pieces[i].frame(0));
            assertEquals(message.index(0) + i * 75, pieces[i].index(0));
        }
        assertEquals(5, pool.refCount(message.frame(0)));
        Iovec joined = new Iovec(pool);
        for (Iovec piece : pieces) {
            joined.appendMoved(piece);
            assertTrue(piece.isEmpty());
        }
        assertArrayEquals(bytes(message), bytes(joined));
        assertEquals(1, pool.inUse());
        message.clear();
        joined.clear();
    }

    @Test
    void pushGrowsIntoTheHeadroomAndPullStripsTheHeader() {
        Iovec message = filled(10, 0);
        int payloadAt = message.index(0);
        int at = message.push(8);
        assertEquals(payloadAt - 8, at);
        pool.buffer().putLong(at, 0x0102030405060708L);
        assertEquals(18, message.length());
        assertEquals(0x0102030405060708L, pool.buffer().getLong(message.index(0)));
        assertEquals(at, message.pull(8));
        assertEquals(payloadAt, message.index(0));
        assertArrayEquals(counting(0, 10), bytes(message));
        message.clear();
    }

    @Test
    void pushWithoutHeadroomFailsAndChangesNothing() {
        Iovec message = filled(10, 0);
        assertEquals(-1, message.push(pool.headroom() + 1));
        assertEquals(10, message.length());
        assertTrue(message.push(pool.headroom()) >= 0, "the whole headroom can be used");
        assertEquals(-1, message.push(1));
        assertEquals(10 + pool.headroom(), message.length());
        message.clear();
        assertEquals(-1, new Iovec(pool).push(1), "an empty iovec has no frame to push into");
    }

    @Test
    void pullLongerThanTheFirstExtentFailsAndChangesNothing() {
        Iovec message = filled(4, 0);
        message.appendMoved(filled(10, 4));
        assertEquals(-1, message.pull(5));
        assertEquals(14, message.length());
        message.clear();
        assertEquals(-1, message.pull(1));
    }

    @Test
    void negativeHeaderLengthsAreRefused() {
        Iovec message = filled(10, 0);
        assertThrows(IllegalArgumentException.class, () -> message.push(-1));
        assertThrows(IllegalArgumentException.class, () -> message.pull(-1));
        assertEquals(10, message.length());
        assertEquals(pool.headroom(), message.offset(0));
        message.clear();
    }

    @Test
    void truncateReleasesExtentsThatFallOff() {
        Iovec message = filled(100, 0);
        message.appendMoved(filled(100, 100));
        message.appendMoved(filled(100, 200));
        assertEquals(3, pool.inUse());
        message.truncate(150);
        assertEquals(2, message.extentCount());
        assertEquals(2, pool.inUse());
        assertArrayEquals(counting(0, 150), bytes(message));
        message.truncate(100);
        assertEquals(1, message.extentCount());
        assertEquals(1, pool.inUse());
        assertThrows(IndexOutOfBoundsException.class, () -> message.truncate(101));
        assertThrows(IndexOutOfBoundsException.class, () -> message.truncate(-1));
        message.truncate(0);
        assertEquals(0, message.length());
        message.clear();
        assertEquals(0, pool.inUse());
    }

    @Test
    void badExtentsAreRefusedWithoutTakingAReference() {
        int frame = pool.acquire(Account.SEND);
        Iovec iovec = new Iovec(pool);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> iovec.appendShared(frame, 500, 100));
        assertTrue(error.getMessage().contains("outside a 512-byte frame"), error.getMessage());
        assertEquals(1, pool.refCount(frame), "a refused appendShared must not leave a reference behind");
        assertThrows(IllegalArgumentException.class, () -> iovec.appendOwned(frame, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> iovec.appendOwned(frame, 0, -1));
        assertTrue(iovec.isEmpty());
        pool.release(frame);
    }

    @Test
    void sliceOutsideTheSourceIsRefused() {
        Iovec message = filled(10, 0);
        Iovec slice = new Iovec(pool);
        assertThrows(IndexOutOfBoundsException.class, () -> slice.appendSlice(message, 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> slice.appendSlice(message, -1, 2));
        assertEquals(1, pool.refCount(message.frame(0)));
        message.clear();
    }

    @Test
    void iovecsOverDifferentPoolsCannotShare() throws Exception {
        try (FramePool other = FramePool.allocate(new FramePoolConfig().frameCount(16).controlLimit(4))) {
            Iovec message = filled(10, 0);
            Iovec foreign = new Iovec(other);
            assertThrows(IllegalArgumentException.class, () -> foreign.appendSlice(message, 0, 10));
            assertThrows(IllegalArgumentException.class, () -> foreign.appendMoved(message));
            assertEquals(10, message.length());
            message.clear();
        }
    }

    @Test
    void movingAnIovecOntoItselfIsRefused() {
        Iovec message = filled(10, 0);
        assertThrows(IllegalArgumentException.class, () -> message.appendMoved(message));
        assertEquals(10, message.length());
        assertEquals(1, message.extentCount());
        message.clear();
    }

    @Test
    void sliceOfItselfDoublesTheContent() {
        Iovec message = filled(10, 0);
        message.appendMoved(filled(10, 10));
        message.appendSlice(message, 5, 10);
        byte[] expected = new byte[30];
        System.arraycopy(counting(0, 20), 0, expected, 0, 20);
        System.arraycopy(counting(5, 10), 0, expected, 20, 10);
        assertArrayEquals(expected, bytes(message));
        message.clear();
    }

    @Test
    void extentArraysGrowBeyondTheirInitialSize() {
        Iovec message = new Iovec(pool);
        byte[] expected = new byte[17 * 3];
        for (int i = 0; i < 17; i++) {
            message.appendMoved(filled(3, i * 3));
            System.arraycopy(counting(i * 3, 3), 0, expected, i * 3, 3);
        }
        assertEquals(17, message.extentCount());
        assertArrayEquals(expected, bytes(message));
        message.clear();
    }

    @Test
    void toStringShowsTheExtents() {
        Iovec message = filled(10, 0);
        assertEquals("Iovec[10 bytes: " + message.frame(0) + "@64+10]", message.toString());
        message.clear();
    }
}
