package io.consort.xsk.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The rings over plain off-heap memory, with this test playing the kernel: free-running u32 indices that
 * start just below 2^32 must wrap without losing or repeating an entry.
 */
class RingIndexWrapTest {
    private static final int SIZE = 64;

    /** Producer, consumer, flags words and the descriptor array, laid out like a kernel ring mapping. */
    private static final class FakeRing {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(4096 + SIZE * 16, 4096);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final long base = buffer.addressOffset();

        FakeRing(int startIndex) {
            buffer.putInt(0, startIndex);
            buffer.putInt(64, startIndex);
        }

        RingMemory memory() {
            return new RingMemory(base, base + 64, base + 128, base + 4096, SIZE);
        }

        int producer() {
            return buffer.getIntVolatile(0);
        }

        int consumer() {
            return buffer.getIntVolatile(64);
        }

        void setProducer(int value) {
            buffer.putIntRelease(0, value);
        }

        void setConsumer(int value) {
            buffer.putIntRelease(64, value);
        }
    }

    @Test
    void txEntriesCrossTheU32WrapInOrder() {
        FakeRing kernel = new FakeRing(-10);
        TxRing tx = new TxRing(kernel.memory());
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 1000; round++) {
            int n = tx.reserve(7 + round % 50);
            for (int i = 0; i < n; i++) {
                tx.setDescriptor(tx.reservedIndex() + i, next++, 60);
            }
            tx.submit(n);
            int consumer = kernel.consumer();
            int producer = kernel.producer();
            for (int index = consumer; index != producer; index++) {
                assertEquals(expected++, kernel.buffer.getLong(4096 + (index & (SIZE - 1)) * 16));
            }
            kernel.setConsumer(producer);
        }
        assertEquals(next, expected);
        assertEquals(-10 + (int) next, kernel.producer());
    }

    @Test
    void completionEntriesCrossTheU32WrapInOrder() {
        FakeRing kernel = new FakeRing(-3);
        CompletionRing completion = new CompletionRing(kernel.memory());
        long[] out = new long[SIZE];
        long produced = 0;
        long consumed = 0;
        for (int round = 0; round < 1000; round++) {
            int free = SIZE - (kernel.producer() - kernel.consumer());
            int n = Math.min(free, 1 + round % SIZE);
            int producer = kernel.producer();
            for (int i = 0; i < n; i++) {
                kernel.buffer.putLong(4096 + ((producer + i) & (SIZE - 1)) * 8, produced++);
            }
            kernel.setProducer(producer + n);
            int got = completion.consume(out, 1 + round % 13);
            for (int i = 0; i < got; i++) {
                assertEquals(consumed++, out[i]);
            }
        }
        while (true) {
            int got = completion.consume(out, SIZE);
            if (got == 0) {
                break;
            }
            for (int i = 0; i < got; i++) {
                assertEquals(consumed++, out[i]);
            }
        }
        assertEquals(produced, consumed);
    }

    @Test
    void producerNeverOverrunsTheKernel() {
        FakeRing kernel = new FakeRing(Integer.MAX_VALUE - 5);
        FillRing fill = new FillRing(kernel.memory());
        assertEquals(SIZE, fill.reserve(SIZE + 10));
        fill.submit(SIZE);
        assertEquals(0, fill.reserve(1));
        kernel.setConsumer(kernel.consumer() + 5);
        assertEquals(5, fill.reserve(100));
    }

    @Test
    void invalidatedRingThrows() {
        FakeRing kernel = new FakeRing(0);
        RxRing rx = new RxRing(kernel.memory());
        rx.invalidate();
        assertThrows(IllegalStateException.class, () -> rx.peek(1));
        assertThrows(IllegalStateException.class, () -> rx.consume(new long[1], new int[1], 1));
        assertThrows(IllegalStateException.class, rx::needsWakeup);
    }
}
