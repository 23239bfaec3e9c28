package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageClaim;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.BundlingTransport;
import io.consort.layers.transport.Transport;
import io.consort.stacks.StackDescription;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Traffic;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The API as an application uses it: three members over kernel UDP on 127.0.0.1, each duty cycle on its own
 * {@link AgentRunner} thread with a real clock, and a separate application thread per member multicasting
 * (half with {@code multicast}, half written in place with {@code tryClaim}) and sending point-to-point. Every
 * member must deliver every message exactly once, in order and intact, and give every frame back on close. Over
 * the plain UDP transport, and over batched UDP with bundling.
 */
class ThreadedGroupTest {
    private static final int MEMBERS = 3;
    private static final long CASTS = 3000;
    private static final long SENDS = 300;

    @Test
    void membersOnTheirOwnThreadsDeliverEverything() throws Exception {
        deliverEverything(UdpTransport::factory);
    }

    /** The same over sendmmsg/recvmmsg, with small packets bundled into shared datagrams. */
    @Test
    void batchedAndBundledMembersDeliverEverything() throws Exception {
        deliverEverything(config -> BundlingTransport.wrap(BatchedUdpTransport.factory(config)));
    }

    private void deliverEverything(Function<UdpTransportConfig, TransportFactory> transport) throws Exception {
        InetSocketAddress[] addresses = new InetSocketAddress[MEMBERS];
        for (int rank = 0; rank < MEMBERS; rank++) {
            addresses[rank] = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        }
        Traffic traffic = new Traffic(11, 1, 4000);
        DeliveryChecker checker = new DeliveryChecker(MEMBERS, traffic);
        Member[] members = new Member[MEMBERS];
        AgentRunner[] runners = new AgentRunner[MEMBERS];
        Thread[] applications = new Thread[MEMBERS];
        AtomicReference<Throwable> dutyCycleError = new AtomicReference<>();
        for (int rank = 0; rank < MEMBERS; rank++) {
            members[rank] = Member.create(new View(9, rank, MEMBERS), new MemberConfig().maxMessageLength(4000)
                    .errorHandler(error -> dutyCycleError.compareAndSet(null, error)),
                StackDescription.parse("reliable-fifo").layers(),
                transport.apply(new UdpTransportConfig().members(rank, addresses)), checker.handler(rank),
                SystemNanoClock.INSTANCE);
        }
        try {
            for (int rank = 0; rank < MEMBERS; rank++) {
                runners[rank] = new AgentRunner(new BackoffIdleStrategy(), error -> dutyCycleError.compareAndSet(null, error), null,
                    members[rank].agent());
                AgentRunner.startOnThread(runners[rank]);
                Member member = members[rank];
                applications[rank] = new Thread(() -> offerAll(member, traffic), "application-" + rank);
                applications[rank].start();
            }
            for (Thread application : applications) {
                application.join(TimeUnit.SECONDS.toMillis(120));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!allDelivered(members) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.yield();
            }
        } finally {
            for (AgentRunner runner : runners) {
                if (runner != null) {
                    runner.close();
                }
            }
        }
        assertNull(dutyCycleError.get(), "a duty cycle threw");
        assertNull(checker.firstViolation());
        for (int receiver = 0; receiver < MEMBERS; receiver++) {
            for (int origin = 0; origin < MEMBERS; origin++) {
                assertEquals(CASTS, checker.castsDelivered(receiver, origin), members[receiver].counters().dump());
                if (origin != receiver) {
                    assertEquals(SENDS, checker.sendsDelivered(receiver, origin));
                }
            }
            assertEquals(0, members[receiver].frames().inUse(), members[receiver].frames().leakReport());
        }
    }

    /** The application thread: offers every message, backing off while the member pushes back. */
    private static void offerAll(Member member, Traffic traffic) {
        int rank = member.rank();
        UnsafeBuffer scratch = new UnsafeBuffer(new byte[traffic.maxLength()]);
        MessageClaim claim = new MessageClaim();
        for (long k = 0; k < CASTS; k++) {
            int length = traffic.length(rank, Traffic.CAST, k);
            if (k % 2 == 0) {
                traffic.fill(scratch, 0, rank, Traffic.CAST, k, length);
                while (member.multicast(scratch, 0, length) == SendResult.BACK_PRESSURED) {
                    Thread.yield();
                }
            } else {
                while (member.tryClaim(Transport.ALL, length, claim) == SendResult.BACK_PRESSURED) {
                    Thread.yield();
                }
                traffic.fill(claim.buffer(), claim.offset(), rank, Traffic.CAST, k, length);
                claim.commit();
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

    private static int freePort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

}
