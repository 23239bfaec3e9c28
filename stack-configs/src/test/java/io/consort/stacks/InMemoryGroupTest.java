package io.consort.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePoolConfig;
import io.consort.layers.api.Member;
import io.consort.layers.api.MessageClaim;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.layers.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import io.consort.testsupport.Leaks;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.junit.jupiter.api.Test;

class InMemoryGroupTest {
    @Test
    void threeMembersDeliverEveryCastInOrder() {
        int members = 3;
        int messages = 2000;
        InMemoryNetwork network = new InMemoryNetwork(members, 1 << 20, 1472);
        Member[] group = new Member[members];
        long[][] next = new long[members][members];
        long[] clock = {0};
        for (int rank = 0; rank < members; rank++) {
            int me = rank;
            MessageHandler handler = (kind, origin, buffer, offset, length) -> {
                long value = buffer.getLong(offset);
                assertEquals(next[me][origin], value, "member " + me + " from " + origin);
                next[me][origin]++;
            };
            MemberConfig config = new MemberConfig().frames(new FramePoolConfig().frameCount(8192))
                .eventCount(8192);
            group[rank] = Member.create(new View(7, rank, members), config,
                StackDescription.parse("reliable-fifo").layers(),
                (frames, counters) -> network.transport(me, frames, counters), handler, () -> clock[0]);
        }
        UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        long[] sent = new long[members];
        for (int round = 0; round < 200_000 && !done(next, messages); round++) {
            for (int rank = 0; rank < members; rank++) {
                if (sent[rank] < messages) {
                    message.putLong(0, sent[rank]);
                    if (group[rank].multicast(message, 0, 64) == SendResult.OK) {
                        sent[rank]++;
                    }
                }
                group[rank].agent().doWork();
            }
            clock[0] += 10_000;
        }
        for (int rank = 0; rank < members; rank++) {
            for (int origin = 0; origin < members; origin++) {
                assertEquals(messages, next[rank][origin], group[rank].counters().dump());
            }
        }
        for (Member member : group) {
            assertEquals(0, member.counters().value("member errors"), member.counters().dump());
            member.close();
            Leaks.assertNoLeaks("member " + member.rank(), member.frames());
        }
    }

    /**
     * {@code close()} from an application thread while the member's runner is busy: the runner's thread closes
     * the stack at its next duty cycle, never both at once, and every frame is back afterwards.
     */
    @Test
    void closeFromAnotherThreadWhileRunning() throws Exception {
        InMemoryNetwork network = new InMemoryNetwork(1, 1 << 20, 1472);
        long[] delivered = new long[1];
        Member member = Member.create(new View(7, 0, 1), new MemberConfig(),
            StackDescription.parse("reliable-fifo").layers(),
            (frames, counters) -> network.transport(0, frames, counters),
            (kind, origin, buffer, offset, length) -> delivered[0]++, SystemNanoClock.INSTANCE);
        AgentRunner runner = new AgentRunner(new BusySpinIdleStrategy(), Throwable::getMessage, null, member.agent());
        AgentRunner.startOnThread(runner);
        UnsafeBuffer message = new UnsafeBuffer(new byte[1000]);
        try {
            while (member.counters().value("top delivered casts") < 10_000) {
                member.multicast(message, 0, message.capacity());
            }
            member.close();
            assertTrue(member.agent().isClosed());
            assertEquals(SendResult.CLOSED, member.multicast(message, 0, 10));
            assertEquals(0, member.counters().value("member errors"), member.counters().dump());
            assertEquals(0, member.frames().inUse(), member.frames().leakReport());
        } finally {
            runner.close();
        }
    }

    /** Messages written in place with tryClaim, to the group and to one member, arrive intact and in order. */
    @Test
    void messagesWrittenInPlaceArrive() {
        InMemoryNetwork network = new InMemoryNetwork(2, 1 << 20, 1472);
        List<String> received = new ArrayList<>();
        Member[] group = new Member[2];
        for (int rank = 0; rank < 2; rank++) {
            int me = rank;
            MessageHandler handler = (kind, origin, buffer, offset, length) -> {
                if (me == 1) {
                    received.add((kind == MessageHandler.CAST ? "cast " : "send ") + buffer.getLong(offset));
                }
            };
            group[rank] = Member.create(new View(7, rank, 2), new MemberConfig(),
                StackDescription.parse("reliable-fifo").layers(),
                (frames, counters) -> network.transport(me, frames, counters), handler, () -> 0);
        }
        MessageClaim claim = new MessageClaim();
        for (long k = 0; k < 4; k++) {
            assertEquals(SendResult.OK, group[0].tryClaim(k % 2 == 0 ? Transport.ALL : 1, 8, claim));
            claim.buffer().putLong(claim.offset(), k);
            claim.commit();
        }
        for (int round = 0; round < 1000 && received.size() < 4; round++) {
            group[0].agent().doWork();
            group[1].agent().doWork();
        }
        assertEquals(List.of("cast 0", "send 1", "cast 2", "send 3"), received);
        for (Member member : group) {
            member.close();
            Leaks.assertNoLeaks("member " + member.rank(), member.frames());
        }
    }

    /** A handler that throws does not stop its member: the error is counted and logged, and delivery goes on. */
    @Test
    void anErrorInTheHandlerIsCountedAndTheMemberGoesOn() {
        InMemoryNetwork network = new InMemoryNetwork(2, 1 << 20, 1472);
        long[] delivered = new long[2];
        Member[] group = new Member[2];
        for (int rank = 0; rank < 2; rank++) {
            int me = rank;
            MessageHandler handler = (kind, origin, buffer, offset, length) -> {
                delivered[me]++;
                if (me == 1 && buffer.getLong(offset) == 3) {
                    throw new IllegalStateException("the application failed on message 3");
                }
            };
            group[rank] = Member.create(new View(7, rank, 2), new MemberConfig(),
                StackDescription.parse("reliable-fifo").layers(),
                (frames, counters) -> network.transport(me, frames, counters), handler, () -> 0);
        }
        UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        long sent = 0;
        for (int round = 0; round < 10_000 && delivered[1] < 10; round++) {
            if (sent < 10) {
                message.putLong(0, sent);
                sent += group[0].multicast(message, 0, 64) == SendResult.OK ? 1 : 0;
            }
            group[0].agent().doWork();
            group[1].agent().doWork();
        }
        assertEquals(10, delivered[1]);
        assertEquals(1, group[1].counters().value("member errors"));
        StringBuilder log = new StringBuilder();
        ErrorLogReader.read(group[1].agent().errorLog(), (count, first, last, text) -> log.append(text));
        assertTrue(log.toString().contains("the application failed on message 3"), log.toString());
        for (Member member : group) {
            member.close();
            Leaks.assertNoLeaks("member " + member.rank(), member.frames());
        }
    }

    private static boolean done(long[][] next, int messages) {
        for (long[] row : next) {
            for (long n : row) {
                if (n < messages) {
                    return false;
                }
            }
        }
        return true;
    }
}
