package io.consort.sim.state;

import static io.consort.sim.state.StateFixture.MS;
import static io.consort.sim.state.StateFixture.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.sim.net.LinkConfig;
import org.junit.jupiter.api.Test;

/**
 * A joiner starts from the donor's state at the cut, byte for byte, whatever its size (0 B, 1 B, exactly one
 * packet's chunk, one byte more, many MiB), and then applies exactly the messages after the cut: a writer keeps
 * appending while the second joiner's transfer runs, and at the end every member holds the same bytes.
 */
class StateTransferTest {
    private static final LinkConfig LINK = new LinkConfig().delay(20_000, 50_000);

    @Test
    void emptyState() {
        transfer(0, 0);
    }

    @Test
    void oneByte() {
        transfer(1, 0);
    }

    @Test
    void exactlyOneChunk() {
        transfer(-1, 0);
    }

    @Test
    void oneChunkAndOneByte() {
        transfer(-1, 1);
    }

    @Test
    void manyMebibytes() {
        transfer(16 << 20, 0);
    }

    /**
     * A joiner whose backlog (messages kept while its state comes) outgrows the limit fails with an error that says
     * what to raise; with the default limit the same run goes through.
     */
    @Test
    void backlogOverflowSaysWhatToRaise() {
        StateFixture fixture = new StateFixture(7, 2, LINK, StateFixture.STACK.replace("xfer:", "xfer(backlog=4096):"));
        StatefulGroup<BlobApp> group = fixture.group;
        try (group) {
            group.start(0);
            assertTrue(group.runUntil(group::settled, SECOND), group::dump);
            assertTrue(fixture.set(0, 4 << 20, 1));
            group.runFor(50 * MS);
            fixture.writeEvery(0, 20_000, group.now() + SECOND, 1000);
            group.startAt(group.now() + 10 * MS, 1);
            IllegalStateException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> group.runFor(SECOND));
            String cause = String.valueOf(error.getCause());
            assertTrue(cause.contains("raise xfer(backlog=...)"), cause);
        }
    }

    /** @param size the state's bytes, or -1 for one packet's chunk (plus {@code extra}) */
    private static void transfer(int size, int extra) {
        StateFixture fixture = new StateFixture(size, 3, LINK, StateFixture.STACK);
        StatefulGroup<BlobApp> group = fixture.group;
        try (group) {
            group.start(0);
            assertTrue(group.runUntil(group::settled, SECOND), group::dump);
            int bytes = (size < 0 ? group.xfer(0).chunkSize() : size) + extra;
            assertTrue(fixture.set(0, bytes, 42));
            group.runFor(50 * MS);
            assertEquals(bytes, group.application(0).length());

            group.start(1);
            assertTrue(group.runUntil(() -> group.settled() && group.running().size() == 2, 5 * SECOND),
                group::dump);
            assertEquals(bytes, group.application(1).length(), group::dump);
            assertEquals(group.application(0).digest(), group.application(1).digest());
            assertEquals(1, fixture.counter(1, "transfers installed"), group::dump);
            assertEquals(bytes, fixture.counter(1, "state bytes installed"), group::dump);
            if (size < 0) {
                assertEquals(extra == 0 ? 1 : 2, (bytes + group.xfer(0).chunkSize() - 1) / group.xfer(0).chunkSize());
            }

            fixture.writeEvery(0, 50_000, group.now() + SECOND, 200);
            group.startAt(group.now() + 100 * MS, 2);
            group.runFor(1200 * MS);
            fixture.assertSettledAndEqual("state of " + bytes + " bytes");
            assertEquals(1, fixture.counter(2, "transfers installed"), group::dump);
            assertTrue(fixture.written() > 5000, () -> "only " + fixture.written() + " appends");
            // The writer's messages reached members while the view's state was being decided and installed.
            assertTrue(fixture.counter(0, "messages held") > 0 && fixture.counter(2, "messages held") > 0,
                group::dump);
            assertEquals(bytes + 200 * fixture.written(), group.application(2).length(), group::dump);
        }
    }
}
