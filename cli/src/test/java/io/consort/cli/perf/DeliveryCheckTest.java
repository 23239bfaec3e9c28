package io.consort.cli.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import java.lang.management.ManagementFactory;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The receive side's integrity check, fed messages directly: a clean stream passes, and a gap, a duplicate, a
 * damaged byte, a wrong length, a stranger, a lie about the sender and a missing end each fail with a message
 * that says so. Also: the checksum agrees over heap and direct memory, and the send and receive paths allocate
 * nothing per message.
 */
class DeliveryCheckTest {
    private static final int SIZE = 100;
    private static final String[] NAMES = {"10.0.0.1:7400", "10.0.0.2:7400", "10.0.0.3:7400"};

    private final BodyChecksum checksum = new BodyChecksum(SIZE);

    private UnsafeBuffer message(int sender, int kind, long sequence) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[SIZE]);
        PerfMessage.fillBody(buffer, sender, SIZE);
        PerfMessage.stamp(buffer, SIZE, sender, kind, sequence, System.nanoTime(), checksum);
        return buffer;
    }

    private static DeliveryCheck check() {
        return new DeliveryCheck(new boolean[] {true, true, false}, SIZE);
    }

    private int deliver(DeliveryCheck check, int from, UnsafeBuffer buffer) {
        return check.onMessage(from, buffer, 0, buffer.capacity());
    }

    private static String verdict(DeliveryCheck check) {
        return check.verdict(i -> NAMES[i]);
    }

    @Test
    void aCompleteStreamFromEverySenderPasses() {
        DeliveryCheck check = check();
        for (int sequence = 0; sequence < 10; sequence++) {
            assertEquals(DeliveryCheck.DATA, deliver(check, 0, message(0, PerfMessage.DATA, sequence)));
            assertEquals(DeliveryCheck.DATA, deliver(check, 1, message(1, PerfMessage.DATA, sequence)));
        }
        assertFalse(check.settled());
        assertEquals(DeliveryCheck.FINAL, deliver(check, 0, message(0, PerfMessage.FINAL, 10)));
        assertEquals(DeliveryCheck.FINAL, deliver(check, 1, message(1, PerfMessage.FINAL, 10)));
        assertTrue(check.settled());
        assertTrue(check.intact());
        assertNull(verdict(check));
        assertEquals(20, check.delivered());
        assertEquals(20, check.announced());
    }

    @Test
    void aGapIsLoss() {
        DeliveryCheck check = check();
        deliver(check, 0, message(0, PerfMessage.DATA, 0));
        deliver(check, 0, message(0, PerfMessage.DATA, 3));
        assertEquals(2, check.lost());
        assertTrue(verdict(check).contains("loss: from 10.0.0.1:7400 expected #1, got #3"), verdict(check));
    }

    @Test
    void aRepeatIsADuplicate() {
        DeliveryCheck check = check();
        deliver(check, 1, message(1, PerfMessage.DATA, 0));
        deliver(check, 1, message(1, PerfMessage.DATA, 1));
        assertEquals(DeliveryCheck.DUPLICATE, deliver(check, 1, message(1, PerfMessage.DATA, 1)));
        assertEquals(1, check.duplicates());
        assertEquals(2, check.delivered());
        assertTrue(verdict(check).contains("duplicate: from 10.0.0.2:7400 got #1 again"), verdict(check));
    }

    @Test
    void aDamagedByteAnywhereIsCorruption() {
        for (int at : new int[] {PerfMessage.SEQUENCE_OFFSET, PerfMessage.SEND_TIME_OFFSET, PerfMessage.HEADER,
            SIZE - 1}) {
            DeliveryCheck check = check();
            UnsafeBuffer damaged = message(0, PerfMessage.DATA, 0);
            damaged.putByte(at, (byte) (damaged.getByte(at) ^ 0x10));
            assertEquals(DeliveryCheck.CORRUPT, deliver(check, 0, damaged), "byte " + at);
            assertEquals(1, check.corrupt());
            assertTrue(verdict(check).contains("corruption: a message from 10.0.0.1:7400"), verdict(check));
        }
    }

    @Test
    void aWrongLengthASenderFieldThatLiesAndAStrangerAreCaught() {
        DeliveryCheck check = check();
        UnsafeBuffer shorter = message(0, PerfMessage.DATA, 0);
        assertEquals(DeliveryCheck.CORRUPT, check.onMessage(0, shorter, 0, SIZE - 1));
        assertTrue(verdict(check).contains("is 99 bytes, expected 100"), verdict(check));

        DeliveryCheck lie = check();
        assertEquals(DeliveryCheck.CORRUPT, deliver(lie, 1, message(0, PerfMessage.DATA, 0)));
        assertTrue(verdict(lie).contains("says it is from address 0"), verdict(lie));

        DeliveryCheck stranger = check();
        assertEquals(DeliveryCheck.UNEXPECTED_SENDER, deliver(stranger, 2, message(2, PerfMessage.DATA, 0)));
        assertTrue(verdict(stranger).contains("not in --senders"), verdict(stranger));
    }

    @Test
    void aMissingEndOrAShortStreamFails() {
        DeliveryCheck check = check();
        deliver(check, 0, message(0, PerfMessage.DATA, 0));
        deliver(check, 0, message(0, PerfMessage.FINAL, 1));
        deliver(check, 1, message(1, PerfMessage.DATA, 0));
        assertFalse(check.settled());
        assertTrue(check.intact());
        assertTrue(verdict(check).contains("missing the end of 10.0.0.2:7400's stream: 1 messages received, next"
            + " expected #1, no final message"), verdict(check));
        check.departed(1);
        assertTrue(check.settled(), "a sender that left is settled, and named in the verdict");
        assertTrue(verdict(check).contains("(it left the view first)"), verdict(check));

        DeliveryCheck shortStream = check();
        deliver(shortStream, 0, message(0, PerfMessage.DATA, 0));
        deliver(shortStream, 0, message(0, PerfMessage.FINAL, 5));
        assertEquals(4, shortStream.lost());
        assertTrue(verdict(shortStream).contains("loss: 10.0.0.1:7400 sent 5 messages, received up to #0"),
            verdict(shortStream));
    }

    @Test
    void theChecksumIsTheSameOverHeapAndDirectMemoryAtAnyOffset() {
        UnsafeBuffer heap = message(0, PerfMessage.DATA, 42);
        UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        direct.putBytes(1000, heap, 0, SIZE);
        UnsafeBuffer window = new UnsafeBuffer(direct, 900, 1000);
        BodyChecksum other = new BodyChecksum(SIZE);
        int expected = checksum.compute(heap, PerfMessage.CHECKED_FROM, SIZE - PerfMessage.CHECKED_FROM);
        assertEquals(expected, other.compute(direct, 1000 + PerfMessage.CHECKED_FROM, SIZE - PerfMessage.CHECKED_FROM));
        assertEquals(expected, other.compute(window, 100 + PerfMessage.CHECKED_FROM, SIZE - PerfMessage.CHECKED_FROM));
        UnsafeBuffer raw = new UnsafeBuffer(direct.addressOffset() + 1000, SIZE);
        assertEquals(expected, other.compute(raw, PerfMessage.CHECKED_FROM, SIZE - PerfMessage.CHECKED_FROM));
        DeliveryCheck check = check();
        assertEquals(DeliveryCheck.DATA, check.onMessage(0, window, 100, SIZE));
    }

    @Test
    void sendingAndReceivingAllocateNothingPerMessage() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Endpoint self = new Endpoint(0, 1);
        View view = new View(7, new ViewId(1, self), new Endpoint[] {self, new Endpoint(1, 1)}, 0, true);
        DeliveryCheck check = new DeliveryCheck(new boolean[] {true, false}, SIZE);
        PerfReceiver receiver = new PerfReceiver(check, 2, 2);
        receiver.onView(view);
        receiver.window(0, Long.MAX_VALUE);
        UnsafeBuffer frames = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        PerfMessage.fillBody(frames, 0, SIZE);
        BodyChecksum sendChecksum = new BodyChecksum(SIZE);
        int messages = 200_000;
        long sequence = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up (class loading, compilation)
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < messages; i++) {
                PerfMessage.stamp(frames, SIZE, 0, PerfMessage.DATA, sequence++, System.nanoTime(), sendChecksum);
                receiver.onMessage(MessageHandler.CAST, 0, frames, 0, SIZE);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for " + messages + " messages");
            }
        }
        assertTrue(check.intact(), verdict(check));
        assertEquals(2L * messages, receiver.delivered());
        assertEquals(2L * messages, receiver.latency().getIntervalHistogram().getTotalCount());
    }
}
