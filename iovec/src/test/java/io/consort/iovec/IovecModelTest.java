package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Random sequences of iovec operations over a few iovecs that share frames, checked after every step against a
 * model that builds each message as a plain byte array, and against an exact count of frame references.
 */
class IovecModelTest {
    private static final int IOVECS = 3;
    private static final int FRAME_SIZE = 512;

    @Provide
    Arbitrary<List<int[]>> operations() {
        return Arbitraries.integers().between(0, 1 << 20).array(int[].class).ofSize(5).list().ofMinSize(1)
            .ofMaxSize(80);
    }

    @Property(tries = 300)
    void contentMatchesANaiveModelAndEveryReferenceIsAccountedFor(@ForAll("operations") List<int[]> operations)
        throws Exception {
        try (FramePool pool = FramePool.allocate(new FramePoolConfig().frameCount(128).frameSize(FRAME_SIZE)
            .headroom(64).sendLimit(100).receiveLimit(8).controlLimit(8))) {
            Iovec[] iovecs = new Iovec[IOVECS];
            byte[][] models = new byte[IOVECS][];
            for (int i = 0; i < IOVECS; i++) {
                iovecs[i] = new Iovec(pool);
                models[i] = new byte[0];
            }
            int step = 0;
            for (int[] operation : operations) {
                apply(pool, iovecs, models, operation, step++);
                check(pool, iovecs, models);
            }
            for (Iovec iovec : iovecs) {
                iovec.clear();
            }
            assertEquals(0, pool.inUse(), "every frame is back once every iovec is cleared");
            assertEquals("", pool.leakReport());
        }
    }

    private static void apply(FramePool pool, Iovec[] iovecs, byte[][] models, int[] op, int step) {
        int target = op[1] % IOVECS;
        int source = op[2] % IOVECS;
        Iovec iovec = iovecs[target];
        switch (op[0] % 8) {
            case 0 -> { // a fresh frame with new bytes at any offset
                int length = op[3] % 301;
                int offset = op[4] % (FRAME_SIZE - length + 1);
                int frame = pool.acquire(Account.SEND);
                if (frame == FramePool.NO_FRAME) {
                    return;
                }
                byte[] data = pattern(step, length);
                pool.buffer().putBytes(pool.frameOffset(frame) + offset, data);
                iovec.appendOwned(frame, offset, length);
                models[target] = concat(models[target], data);
            }
            case 1 -> { // share part of one extent of another iovec
                Iovec from = iovecs[source];
                if (from.isEmpty()) {
                    return;
                }
                int extent = op[3] % from.extentCount();
                int position = 0;
                for (int e = 0; e < extent; e++) {
                    position += from.extentLength(e);
                }
                int extentLength = from.extentLength(extent);
                int skip = op[4] % (extentLength + 1);
                int length = op[3] % (extentLength - skip + 1);
                byte[] shared = Arrays.copyOfRange(models[source], position + skip, position + skip + length);
                iovec.appendShared(from.frame(extent), from.offset(extent) + skip, length);
                models[target] = concat(models[target], shared);
            }
            case 2 -> { // slice of any iovec, itself included
                int sourceLength = models[source].length;
                int position = op[3] % (sourceLength + 1);
                int length = op[4] % (sourceLength - position + 1);
                byte[] slice = Arrays.copyOfRange(models[source], position, position + length);
                int framesBefore = pool.inUse();
                iovec.appendSlice(iovecs[source], position, length);
                assertEquals(framesBefore, pool.inUse(), "slicing acquires no frame");
                models[target] = concat(models[target], slice);
            }
            case 3 -> { // move another iovec onto this one
                if (source == target) {
                    return;
                }
                iovec.appendMoved(iovecs[source]);
                models[target] = concat(models[target], models[source]);
                models[source] = new byte[0];
                assertTrue(iovecs[source].isEmpty());
            }
            case 4 -> push(pool, iovec, target, models, op[3] % 80, step);
            case 5 -> { // pull
                int header = op[3] % 80;
                boolean fits = !iovec.isEmpty() && header <= iovec.extentLength(0);
                int expectedAt = iovec.isEmpty() ? -1 : iovec.index(0);
                int at = iovec.pull(header);
                if (!fits) {
                    assertEquals(-1, at, "pull of " + header + " bytes from " + iovec);
                    return;
                }
                assertEquals(expectedAt, at);
                byte[] pulled = new byte[header];
                pool.buffer().getBytes(at, pulled);
                assertArrayEquals(Arrays.copyOfRange(models[target], 0, header), pulled, "pulled header bytes");
                models[target] = Arrays.copyOfRange(models[target], header, models[target].length);
            }
            case 6 -> { // truncate
                int newLength = op[3] % (models[target].length + 1);
                iovec.truncate(newLength);
                models[target] = Arrays.copyOf(models[target], newLength);
            }
            default -> {
                if (op[3] % 4 == 0) {
                    iovec.clear();
                    models[target] = new byte[0];
                }
            }
        }
    }

    /**
     * Push writes a header only into a frame no other extent references, since the bytes in front of a shared
     * extent may belong to another message. On a shared frame it checks push and pull undo each other.
     */
    private static void push(FramePool pool, Iovec iovec, int target, byte[][] models, int header, int step) {
        boolean fits = !iovec.isEmpty() && iovec.offset(0) >= header;
        int expectedAt = iovec.isEmpty() ? -1 : iovec.index(0) - header;
        int lengthBefore = iovec.length();
        int at = iovec.push(header);
        if (!fits) {
            assertEquals(-1, at, "push of " + header + " bytes onto " + iovec);
            assertEquals(lengthBefore, iovec.length());
            return;
        }
        assertEquals(expectedAt, at);
        assertEquals(lengthBefore + header, iovec.length());
        if (pool.refCount(iovec.frame(0)) == 1) {
            byte[] written = pattern(~step, header);
            pool.buffer().putBytes(at, written);
            models[target] = concat(written, models[target]);
        } else {
            assertEquals(at, iovec.pull(header));
        }
    }

    private static void check(FramePool pool, Iovec[] iovecs, byte[][] models) {
        Map<Integer, Integer> references = new HashMap<>();
        for (int i = 0; i < IOVECS; i++) {
            Iovec iovec = iovecs[i];
            assertEquals(models[i].length, iovec.length(), "length of iovec " + i);
            byte[] actual = new byte[iovec.length()];
            assertEquals(actual.length, iovec.copyTo(new UnsafeBuffer(actual), 0));
            assertArrayEquals(models[i], actual, "content of iovec " + i + ": " + iovec);
            int sum = 0;
            for (int e = 0; e < iovec.extentCount(); e++) {
                sum += iovec.extentLength(e);
                assertTrue(iovec.offset(e) >= 0 && iovec.offset(e) + iovec.extentLength(e) <= FRAME_SIZE,
                    "extent " + e + " stays inside its frame: " + iovec);
                references.merge(iovec.frame(e), 1, Integer::sum);
            }
            assertEquals(sum, iovec.length(), "length is the sum of the extents");
        }
        assertEquals(references.size(), pool.inUse(), "frames in use are exactly those some extent references");
        references.forEach((frame, count) -> assertEquals(count, pool.refCount(frame),
            "references to frame " + frame));
    }

    private static byte[] pattern(int seed, int length) {
        byte[] out = new byte[length];
        int x = seed * 0x9E3779B9 + 1;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            out[i] = (byte) x;
        }
        return out;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + second.length);
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
