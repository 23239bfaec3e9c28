package io.consort.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DeliveryHeapTest {
    /** Against a reference queue: adds with a poll now and then, so adds and polls interleave. */
    @Property
    void popsByTimeThenBySchedulingOrder(
        @ForAll @Size(max = 300) List<@LongRange(min = 0, max = 20) Long> times,
        @ForAll @Size(max = 300) List<Boolean> pollAfter) {
        DeliveryHeap heap = new DeliveryHeap(Math.max(1, times.size()));
        PriorityQueue<long[]> reference =
            new PriorityQueue<>(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        for (int slot = 0; slot < times.size(); slot++) {
            heap.add(times.get(slot), slot);
            reference.add(new long[] {times.get(slot), slot});
            if (slot < pollAfter.size() && pollAfter.get(slot)) {
                assertPollMatches(heap, reference);
            }
        }
        while (!reference.isEmpty()) {
            assertPollMatches(heap, reference);
        }
        assertTrue(heap.isEmpty());
    }

    private static void assertPollMatches(DeliveryHeap heap, PriorityQueue<long[]> reference) {
        long[] expected = reference.poll();
        assertEquals(reference.size() + 1, heap.size());
        assertEquals(expected[0], heap.peekTime());
        assertEquals(expected[1], heap.poll());
    }

    @Test
    void slotQueueWrapsAroundAndRefusesWhenFull() {
        SlotQueue queue = new SlotQueue(3);
        for (int round = 0; round < 5; round++) {
            assertTrue(queue.offer(round * 10));
            assertTrue(queue.offer(round * 10 + 1));
            assertTrue(queue.offer(round * 10 + 2));
            assertFalse(queue.offer(99));
            assertEquals(round * 10, queue.poll());
            assertEquals(round * 10 + 1, queue.poll());
            assertEquals(round * 10 + 2, queue.poll());
            assertTrue(queue.isEmpty());
        }
    }
}
