package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.LeakDetector;
import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.BundlingTransport;
import io.consort.stacks.StackDescription;
import io.consort.testsupport.Allocations;
import io.consort.testsupport.DeliveryChecker;
import io.consort.testsupport.Traffic;
import io.consort.xsk.netns.TestNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.function.IntFunction;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * With bundling on, a warm 3-member reliable group allocates nothing per message over the real transports, as
 * {@code consort member} and {@code consort perf} wire them: AF_XDP between three namespaces on a bridge (no
 * multicast group, so every bundle is fanned out by unicast) and batched kernel UDP on loopback. Every member
 * multicasts 64-byte messages, far more than a flow window, through the whole stack, on one thread with a
 * stepped clock; the thread's allocated-bytes counter stays put while hundreds of thousands of deliveries
 * happen. The bundles are checked to have carried the traffic.
 */
class BundledTransportZeroAllocationTest {
    private static final int MEMBERS = 3;
    private static final int PORT = 7600;
    private static final long WARM_UP = 100_000;
    private static final long MEASURED = 200_000;
    private static final long ONE_OFF_BYTES = 1024;
    private static final int ROUNDS = 4;
    /** Multicasts a member offers per duty cycle: what one cycle sends to a destination shares a datagram. */
    private static final int BURST = 4;
    private static final long GIVE_UP_NANOS = 120_000_000_000L;

    private final Traffic traffic = new Traffic(5, 64, 64);
    private final DeliveryChecker checker = new DeliveryChecker(MEMBERS, traffic);
    private long now;
    private final NanoClock clock = () -> now;
    private final long[] copied = new long[MEMBERS];
    private final long[] inPlace = new long[MEMBERS];

    @Test
    void overAfXdp() throws Exception {
        VethNetwork.assumeUsable();
        try (TestNetwork net = TestNetwork.create()) {
            BridgedMembers bridged = new BridgedMembers(net, "10.77.6", MEMBERS, PORT);
            run(address -> (frames, counters) -> {
                XskTransportConfig config = new XskTransportConfig(BridgedMembers.interfaceOf(address))
                    .members(address, bridged.addresses).ringSize(512);
                try {
                    return bridged.spaces[address].call(() -> new XskTransport(config, frames, counters));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot open the AF_XDP transport of member " + address, e);
                }
            }, "xsk sent");
            for (int member = 0; member < MEMBERS; member++) {
                // Bundles are the bundling transport's own frames, sent in place; only the second destination of a
                // bundle to ALL, whose frame is still in flight to the first, is a copy.
                assertTrue(copied[member] <= inPlace[member], "member " + member + ": " + copied[member]
                    + " copied, " + inPlace[member] + " in place");
                assertTrue(inPlace[member] > 0, "member " + member + " sent in place");
            }
        }
    }

    @Test
    void overBatchedUdp() throws Exception {
        InetSocketAddress[] addresses = new InetSocketAddress[MEMBERS];
        for (int rank = 0; rank < MEMBERS; rank++) {
            addresses[rank] = freeLoopbackPort();
        }
        run(address -> (frames, counters) -> new BatchedUdpTransport(new UdpTransportConfig()
            .members(address, addresses), frames, counters), "udp sent");
    }

    private static InetSocketAddress freeLoopbackPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return (InetSocketAddress) probe.getLocalAddress();
        }
    }

    private void run(IntFunction<TransportFactory> transports, String sentCounter) {
        Member[] members = new Member[MEMBERS];
        try {
            for (int rank = 0; rank < MEMBERS; rank++) {
                MemberConfig config = MemberConfig.sizedFor(MEMBERS, 64);
                // Room for the AF_XDP fill ring (512 frames of the RECEIVE account) beside what the layers hold.
                config.frames().frameCount(config.frames().frameCount() + 1024)
                    .receiveLimit(config.frames().receiveLimit() + 1024)
                    .leakDetection(LeakDetector.Level.OFF); // strict mode records a stack per acquire
                members[rank] = Member.create(new View(3, rank, MEMBERS), config,
                    StackDescription.parse("reliable-fifo").layers(), BundlingTransport.wrap(transports.apply(rank)),
                    checker.handler(rank), clock);
            }
            UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
            long[] sent = new long[MEMBERS];
            long giveUp = System.nanoTime() + GIVE_UP_NANOS;
            run(members, scratch, sent, WARM_UP, giveUp);
            long bundledBefore = members[0].counters().value("bundling packets bundled");
            long framesBefore = members[0].counters().value(sentCounter);
            long[] target = {WARM_UP};
            long allocated = Allocations.fewestBytes(ROUNDS, () -> {
                target[0] += MEASURED / ROUNDS;
                run(members, scratch, sent, target[0], giveUp);
            });

            assertNull(checker.firstViolation());
            for (int receiver = 0; receiver < MEMBERS; receiver++) {
                for (int origin = 0; origin < MEMBERS; origin++) {
                    assertEquals(WARM_UP + MEASURED, checker.castsDelivered(receiver, origin),
                        "to " + receiver + " from " + origin + ": " + members[receiver].counters().dump());
                }
            }
            long bundled = members[0].counters().value("bundling packets bundled") - bundledBefore;
            long frames = members[0].counters().value(sentCounter) - framesBefore;
            assertTrue(bundled > MEASURED / 2, "bundling carried the traffic: " + members[0].counters().dump());
            assertTrue(frames < bundled, "fewer datagrams (" + frames + ") than packets bundled (" + bundled + ")");
            assertTrue(allocated < ONE_OFF_BYTES, allocated + " bytes allocated in the fewest of " + ROUNDS
                + " rounds of " + MEASURED / ROUNDS * MEMBERS + " multicasts delivered to " + MEMBERS + " members");
            for (int rank = 0; rank < MEMBERS; rank++) {
                copied[rank] = members[rank].counters().value("xsk copied");
                inPlace[rank] = members[rank].counters().value("xsk sent in place");
            }
        } finally {
            for (Member member : members) {
                if (member != null) {
                    member.close();
                    assertEquals(0, member.frames().inUse(), member.frames().leakReport());
                }
            }
        }
    }

    /** Every member offers its next few multicasts each round, then every member works once; until all delivered. */
    private void run(Member[] members, UnsafeBuffer scratch, long[] sent, long casts, long giveUp) {
        while (!checker.everyoneDeliveredCasts(casts)) {
            for (int rank = 0; rank < MEMBERS; rank++) {
                for (int burst = 0; burst < BURST && sent[rank] < casts; burst++) {
                    int length = traffic.length(rank, Traffic.CAST, sent[rank]);
                    traffic.fill(scratch, 0, rank, Traffic.CAST, sent[rank], length);
                    if (members[rank].multicast(scratch, 0, length) != SendResult.OK) {
                        break;
                    }
                    sent[rank]++;
                }
            }
            for (Member member : members) {
                member.agent().doWork();
            }
            now += 1_000;
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("not every multicast delivered in time: sent " + java.util.Arrays.toString(sent)
                    + "; " + members[0].counters().dump());
            }
        }
    }
}
