package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.stacks.StackDescription;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Traffic;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The in-memory network with one {@link AgentRunner} thread per member (the README's pattern) and one
 * application thread per member: every member casts many flow windows' worth and sends point-to-point, so
 * every inbound ring has several writers at once. Every message must arrive exactly once, in order, intact. With
 * a one-writer ring this stalled: packets were lost and the flow windows never reopened.
 */
class InMemoryThreadedGroupTest {
    private static final int MEMBERS = 4;
    private static final long CASTS = 20_000;
    private static final long SENDS = 2_000;

    @Test
    void membersOnTheirOwnThreadsDeliverEverything() throws Exception {
        InMemoryNetwork network = new InMemoryNetwork(MEMBERS, 256 << 10, 1472);
        Traffic traffic = new Traffic(23, 8, 3000);
        DeliveryChecker checker = new DeliveryChecker(MEMBERS, traffic);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Member[] members = new Member[MEMBERS];
        for (int rank = 0; rank < MEMBERS; rank++) {
            int me = rank;
            members[rank] = Member.create(new View(5, rank, MEMBERS), MemberConfig.sizedFor(MEMBERS, 3000)
                    .errorHandler(e -> error.compareAndSet(null, e)), StackDescription.parse("reliable-fifo").layers(),
                (frames, counters) -> network.transport(me, frames, counters), checker.handler(rank),
                SystemNanoClock.INSTANCE);
        }
        AgentRunner[] runners = new AgentRunner[MEMBERS];
        Thread[] applications = new Thread[MEMBERS];
        try {
            for (int rank = 0; rank < MEMBERS; rank++) {
                runners[rank] = new AgentRunner(new BackoffIdleStrategy(), e -> error.compareAndSet(null, e), null,
                    members[rank].agent());
                AgentRunner.startOnThread(runners[rank]);
                Member member = members[rank];
                applications[rank] = new Thread(() -> offerAll(member, traffic), "application-" + rank);
                applications[rank].start();
            }
            for (Thread application : applications) {
                application.join(TimeUnit.SECONDS.toMillis(300));
            }
            // A generous bound only so that a stall fails instead of hanging the build; nothing is timed.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (!allDelivered(members) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        } finally {
            for (AgentRunner runner : runners) {
                if (runner != null) {
                    runner.close();
                }
            }
        }
        assertNull(error.get(), "a duty cycle threw");
        assertNull(checker.firstViolation());
        for (int receiver = 0; receiver < MEMBERS; receiver++) {
            for (int origin = 0; origin < MEMBERS; origin++) {
                assertEquals(CASTS, checker.castsDelivered(receiver, origin), members[receiver].counters().dump());
                if (origin != receiver) {
                    assertEquals(SENDS, checker.sendsDelivered(receiver, origin));
                }
            }
        }
        for (Member member : members) {
            member.close();
            assertEquals(0, member.frames().inUse(), member.frames().leakReport());
        }
    }

    private static void offerAll(Member member, Traffic traffic) {
        int rank = member.rank();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[traffic.maxLength()]);
        for (long k = 0; k < CASTS; k++) {
            int length = traffic.length(rank, Traffic.CAST, k);
            traffic.fill(scratch, 0, rank, Traffic.CAST, k, length);
            while (member.multicast(scratch, 0, length) == SendResult.BACK_PRESSURED) {
                Thread.yield();
            }
            int destination = (int) (k % MEMBERS);
            long sendIndex = k / MEMBERS;
            if (destination != rank && sendIndex < SENDS) {
                int sendLength = traffic.length(rank, destination, sendIndex);
                traffic.fill(scratch, 0, rank, destination, sendIndex, sendLength);
                while (member.send(destination, scratch, 0, sendLength) == SendResult.BACK_PRESSURED) {
                    Thread.yield();
                }
            }
        }
    }

    private static boolean allDelivered(Member[] members) {
        for (Member member : members) {
            if (member.counters().value("top delivered casts") < CASTS * MEMBERS
                || member.counters().value("top delivered sends") < SENDS * (MEMBERS - 1)) {
                return false;
            }
        }
        return true;
    }
}
