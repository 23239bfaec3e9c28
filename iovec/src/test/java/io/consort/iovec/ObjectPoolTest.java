package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectPoolTest {
    static final class Item implements Poolable {
        final int index;
        int value;
        int resets;

        Item(int index) {
            this.index = index;
        }

        @Override
        public int poolIndex() {
            return index;
        }

        @Override
        public void reset() {
            value = 0;
            resets++;
        }
    }

    private static ObjectPool<Item> pool(int capacity, LeakDetector.Level level) {
        return new ObjectPool<>("item", capacity, Item::new, level);
    }

    @Test
    void exhaustionReturnsNullAndIsCounted() {
        ObjectPool<Item> pool = pool(3, LeakDetector.Level.STRICT);
        Set<Item> out = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            assertTrue(out.add(pool.acquire()));
        }
        assertEquals(0, pool.available());
        assertEquals(3, pool.inUse());
        assertNull(pool.acquire());
        assertNull(pool.acquire());
        assertEquals(2, pool.exhaustedCount());
        out.forEach(pool::release);
        assertEquals(3, pool.available());
        assertNotNull(pool.acquire(), "released objects are handed out again");
    }

    @Test
    void releaseResetsTheObjectAndReusesTheSameInstance() {
        ObjectPool<Item> pool = pool(1, LeakDetector.Level.OFF);
        Item item = pool.acquire();
        item.value = 42;
        pool.release(item);
        assertEquals(0, item.value);
        assertEquals(1, item.resets);
        assertSame(item, pool.acquire());
    }

    @Test
    void doubleReleaseThrowsNamingTheObject() {
        ObjectPool<Item> pool = pool(4, LeakDetector.Level.STRICT);
        Item item = pool.acquire();
        pool.release(item);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> pool.release(item));
        assertTrue(error.getMessage().contains("#" + item.poolIndex() + " released twice"), error.getMessage());
        assertEquals(4, pool.available(), "a refused release must not add to the free list");
    }

    @Test
    void releasingAnObjectFromAnotherPoolThrows() {
        ObjectPool<Item> pool = pool(4, LeakDetector.Level.OFF);
        ObjectPool<Item> other = pool(8, LeakDetector.Level.OFF);
        Item foreign = other.acquire();
        assertThrows(IllegalStateException.class, () -> pool.release(foreign));
        List<Item> high = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            high.add(other.acquire());
        }
        Item outOfRange = high.stream().filter(item -> item.poolIndex() >= 4).findFirst().orElseThrow();
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> pool.release(outOfRange));
        assertTrue(error.getMessage().contains("not from this pool"), error.getMessage());
    }

    @Test
    void factoryMustNumberItemsBySlot() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new ObjectPool<>("item", 3, i -> new Item(0), LeakDetector.Level.OFF));
        assertTrue(error.getMessage().contains("item 1 pool index 1"), error.getMessage());
    }

    @Test
    void capacityMustBePositive() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> pool(0, LeakDetector.Level.OFF));
        assertTrue(error.getMessage().contains("item pool capacity must be positive, was 0"), error.getMessage());
    }

    @Test
    void strictLeakReportListsEveryObjectOutWithWhereItWasAcquired() {
        ObjectPool<Item> pool = pool(4, LeakDetector.Level.STRICT);
        Item first = acquireHere(pool);
        Item second = pool.acquire();
        Item returned = pool.acquire();
        pool.release(returned);
        String report = pool.leakReport();
        assertTrue(report.startsWith("2 item(s) not released\n"), report);
        assertTrue(report.contains("item #" + first.poolIndex() + "\n    at "), report);
        assertTrue(report.contains("item #" + second.poolIndex() + "\n    at "), report);
        assertFalse(report.contains("item #" + returned.poolIndex() + "\n"), report);
        assertTrue(report.contains("acquireHere"), report);
        assertTrue(report.contains("strictLeakReportListsEveryObjectOutWithWhereItWasAcquired"), report);
        pool.release(first);
        pool.release(second);
        assertEquals("", pool.leakReport());
    }

    private static Item acquireHere(ObjectPool<Item> pool) {
        return pool.acquire();
    }

    @Test
    void offLeakReportListsObjectsOutWithoutStackTraces() {
        ObjectPool<Item> pool = pool(4, LeakDetector.Level.OFF);
        Item item = pool.acquire();
        String report = pool.leakReport();
        assertTrue(report.startsWith("1 item(s) not released"), report);
        assertTrue(report.contains("-Dconsort.leakDetection=strict"), report);
        assertTrue(report.contains("item #" + item.poolIndex()), report);
        assertFalse(report.contains("    at "), report);
    }

    @Test
    void sampledRecordsOnlySomeAcquisitions() {
        int capacity = 4 * LeakDetector.SAMPLE_INTERVAL;
        ObjectPool<Item> pool = pool(capacity, LeakDetector.Level.SAMPLED);
        for (int i = 0; i < capacity; i++) {
            assertNotNull(pool.acquire());
        }
        String report = pool.leakReport();
        assertTrue(report.startsWith(capacity + " item(s) not released"), report);
        int traced = report.split("\n  item #\\d+\n    at ", -1).length - 1;
        assertEquals(4, traced, "one acquisition in " + LeakDetector.SAMPLE_INTERVAL + " is recorded");
        assertFalse(report.contains("-Dconsort.leakDetection=strict"), report);
    }

    @Test
    void emptyReportWhenEverythingIsBack() {
        ObjectPool<Item> pool = pool(2, LeakDetector.Level.STRICT);
        assertEquals("", pool.leakReport());
        pool.release(pool.acquire());
        assertEquals("", pool.leakReport());
    }
}
