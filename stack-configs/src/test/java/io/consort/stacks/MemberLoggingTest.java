package io.consort.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.InMemoryNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notable events reach {@code System.Logger} "io.consort.member", whose default backend is java.util.logging: a
 * handler on that logger sees them. Two {@code vsync} members over the in-memory network, driven by hand on a
 * virtual clock.
 */
class MemberLoggingTest {
    private static final long TICK = 100_000;

    /** Held so the logger, weakly referenced by java.util.logging, keeps its handler. */
    private final Logger logger = Logger.getLogger("io.consort.member");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final long[] clock = {1};

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void viewChangesAndSuspicionsAreLogged() {
        InMemoryNetwork network = new InMemoryNetwork(2, 1 << 20, 1472);
        Member[] group = {join(network, 0, (kind, origin, buffer, offset, length) -> { }),
            join(network, 1, (kind, origin, buffer, offset, length) -> { })};
        run(group, 2, () -> oneView(group));
        View both = group[0].view();
        assertEquals(2, both.size());
        LogRecord installed = find(Level.INFO, "member 0#1: view " + both.id() + " installed");
        assertTrue(installed.getMessage().contains("2 members [0#1, 1#1]"), installed.getMessage());
        assertTrue(installed.getMessage().contains("joined [1#1]"), installed.getMessage());

        run(group, 1, () -> group[0].view().size() == 1);
        find(Level.WARNING, "member 0#1: suspects 1#1 in view " + both.id());
        LogRecord alone = find(Level.INFO, "member 0#1: view " + group[0].view().id() + " installed");
        assertTrue(alone.getMessage().contains("left or excluded [1#1]"), alone.getMessage());
        for (Member member : group) {
            member.close();
        }
    }

    @Test
    void eachDistinctErrorIsLoggedOnce() {
        InMemoryNetwork network = new InMemoryNetwork(2, 1 << 20, 1472);
        MessageHandler throwing = new MessageHandler() {
            @Override
            public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
                throw new IllegalStateException("handler failed");
            }
        };
        Member[] group = {join(network, 0, throwing), join(network, 1, throwing)};
        run(group, 2, () -> oneView(group));
        UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < 10; i++) {
            assertEquals(SendResult.OK, group[0].multicast(message, 0, 8));
        }
        run(group, 2, () -> group[0].counters().value("member errors") >= 10
            && group[1].counters().value("member errors") >= 10);
        for (int address = 0; address < 2; address++) {
            String prefix = "member " + address + "#1: error in a duty cycle";
            long logged;
            synchronized (records) {
                logged = records.stream().filter(r -> r.getMessage().startsWith(prefix)).count();
            }
            assertEquals(1, logged, prefix + " logged " + logged + " times: " + messages());
            LogRecord error = find(java.util.logging.Level.SEVERE, prefix);
            assertEquals("handler failed", error.getThrown().getMessage());
        }
        for (Member member : group) {
            member.close();
        }
    }

    private Member join(InMemoryNetwork network, int address, MessageHandler handler) {
        return Member.join(9, new Endpoint(address, 1), new int[] {0, 1}, new MemberConfig().maxGroupSize(2),
            StackDescription.parse("vsync")::layers, (frames, counters) -> network.transport(address, frames,
                counters), handler, () -> clock[0]);
    }

    private static boolean oneView(Member[] group) {
        return group[0].view().size() == 2 && group[0].view().id().equals(group[1].view().id())
            && !group[0].agent().isBlocked() && !group[1].agent().isBlocked();
    }

    /** Runs the first {@code running} members until {@code done}, at most 5 s of virtual time. */
    private void run(Member[] group, int running, java.util.function.BooleanSupplier done) {
        for (long until = clock[0] + 5_000_000_000L; !done.getAsBoolean(); clock[0] += TICK) {
            assertTrue(clock[0] < until, "not done within 5 s of virtual time: " + messages());
            for (int i = 0; i < running; i++) {
                group[i].agent().doWork();
            }
        }
    }

    private LogRecord find(Level level, String start) {
        synchronized (records) {
            for (LogRecord record : records) {
                if (record.getLevel().equals(level) && record.getMessage().startsWith(start)) {
                    return record;
                }
            }
        }
        throw new AssertionError("no " + level + " record starting with '" + start + "' among " + messages());
    }

    private String messages() {
        StringBuilder out = new StringBuilder();
        synchronized (records) {
            for (LogRecord record : records) {
                out.append('\n').append(record.getLevel()).append(' ').append(record.getMessage());
            }
        }
        return out.toString();
    }
}
