package io.consort.layers.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever order and however often messages arrive, a receive window hands each one on exactly once and in
 * sequence, rejects what it already has as duplicate and what lies beyond it as out of window.
 */
class ReceiveWindowProperties {
    private static final FramePool FRAMES = FramePool.allocate(new FramePoolConfig().frameCount(16));

    @Property(tries = 300)
    void deliversEachMessageOnceInOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int messages,
                                        @ForAll @IntRange(min = 1, max = 6) int windowBits) {
        int window = 1 << windowBits;
        Random random = new Random(seed);
        ReceiveWindow receiver = new ReceiveWindow(window);
        List<Long> delivered = new ArrayList<>();
        long sent = 0;
        int rejected = 0;
        while (delivered.size() < messages) {
            long ahead = Math.min(messages, receiver.expected() + window + 2);
            long seqno = receiver.expected() - 2 + random.nextInt((int) (ahead - receiver.expected() + 2));
            if (seqno < 0 || seqno >= messages) {
                continue;
            }
            sent++;
            Event event = new Event(0, FRAMES, 1);
            event.seqno = seqno;
            boolean held = receiver.holds(seqno);
            int verdict = receiver.offer(event, seqno);
            if (seqno < receiver.expected() || held) {
                assertEquals(ReceiveWindow.DUPLICATE, verdict);
            } else if (seqno - receiver.expected() >= window) {
                assertEquals(ReceiveWindow.OUT_OF_WINDOW, verdict);
            } else {
                assertEquals(ReceiveWindow.ACCEPTED, verdict);
            }
            if (verdict != ReceiveWindow.ACCEPTED) {
                rejected++;
            }
            for (Event next = receiver.poll(); next != null; next = receiver.poll()) {
                delivered.add(next.seqno);
            }
        }
        for (int i = 0; i < messages; i++) {
            assertEquals(i, delivered.get(i));
        }
        assertEquals(messages, receiver.expected());
        assertNull(receiver.poll());
        assertEquals(sent, messages + rejected);
    }
}
