package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.LeakDetector;
import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.stacks.StackDescription;
import io.consort.testsupport.Allocations;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Once a {@code vsync} group (or, in a subclass, another membership stack) has formed, its steady state
 * allocates nothing per message: three members join with
 * {@link Member#join} over the simulated network, merge into one view, warm up, then multicast a million
 * messages (thousands of flow windows, all three sending) while the driving thread's allocated-bytes counter is
 * watched. The membership layers stay in the stack the whole time (gmp's ticks and merge checks, suspect's
 * heartbeats), and the view must not change. Then the group idles for 10 s of virtual time, so that the timers
 * run thousands of times, also without allocating. The handler only counts and checks each origin's order; it
 * records nothing (unlike the membership tests' Recorder). Same tolerance for the JVM's one-off allocations as
 * {@link ZeroAllocationTest}; leak detection is off (strict mode allocates per acquisition). Runs in a JVM of its
 * own (see the sim pom).
 */
class VsyncZeroAllocationTest {
    private static final int MEMBERS = 3;
    private static final int GROUP_ID = 0x2A11;
    private static final int LENGTH = 64;
    private static final int WINDOW = 256;
    private static final long WARM_UP = 300_000;
    private static final long MEASURED = 1_000_000;
    private static final long SECOND = 1_000_000_000L;
    private static final long IDLE = 10 * SECOND;

    private final SimNetwork network;
    private final Member[] members = new Member[MEMBERS];
    private final Counter[] counters = new Counter[MEMBERS];
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[LENGTH]);
    private final long[] offered = new long[MEMBERS];
    private long castsToOffer;
    private final Driver driver;
    private final String stackName = stackName();

    VsyncZeroAllocationTest() {
        SimNetworkConfig config = new SimNetworkConfig(MEMBERS, 42).defaultLink(new LinkConfig().delay(20_000, 0));
        network = new SimNetwork(config);
        driver = new Driver(network);
        MemberConfig member = Sizing.memberConfig(MEMBERS, LENGTH, WINDOW, config.maxPacketLength())
            .maxGroupSize(MEMBERS);
        member.frames().leakDetection(LeakDetector.Level.OFF);
        StackDescription stack = StackDescription.parse(stackName);
        int[] seeds = new int[MEMBERS];
        for (int address = 0; address < MEMBERS; address++) {
            seeds[address] = address;
        }
        for (int address = 0; address < MEMBERS; address++) {
            counters[address] = new Counter();
            members[address] = Member.join(GROUP_ID, new Endpoint(address, 1), seeds, member, stack::layers,
                network.transportFactory(address), counters[address], network.clock());
        }
    }

    /** The stack under test; a constant, read while constructing. */
    String stackName() {
        return "vsync";
    }

    @Test
    void steadyStateAllocatesNothingPerMessage() {
        try {
            assertTrue(runUntil(this::converged, 30 * SECOND), "the members did not form one view");
            ViewId formed = members[0].view().id();

            castsToOffer = WARM_UP;
            BooleanSupplier warm = () -> delivered() >= WARM_UP * MEMBERS;
            assertTrue(runUntil(warm, 3600 * SECOND), "warm-up did not finish");

            BooleanSupplier done = () -> delivered() >= castsToOffer * MEMBERS;
            long allocated = Allocations.fewestBytes(ZeroAllocationTest.ROUNDS, () -> {
                castsToOffer += MEASURED / ZeroAllocationTest.ROUNDS;
                assertTrue(runUntil(done, 3600 * SECOND), "a measured round was not all delivered");
            });

            System.out.printf(stackName + ": %d multicasts (%d deliveries) measured, %d bytes allocated, view %s,"
                + " %d ms of virtual time%n", MEASURED, delivered() - WARM_UP * MEMBERS, allocated,
                members[0].view().id(), network.clock().nanoTime() / 1_000_000);
            assertTrue(delivered() >= (WARM_UP + MEASURED) * MEMBERS, "every measured round delivered");
            for (int address = 0; address < MEMBERS; address++) {
                assertEquals(0, counters[address].misordered, "member " + address + " delivered out of order");
                assertEquals(formed, members[address].view().id(), "the view changed during the run");
            }
            assertTrue(allocated < ZeroAllocationTest.ONE_OFF_BYTES, allocated + " bytes allocated in the fewest of "
                + ZeroAllocationTest.ROUNDS + " rounds of " + MEASURED / ZeroAllocationTest.ROUNDS + " multicasts");

            // The traffic took little virtual time; the membership layers' timers (heartbeats, gmp ticks, merge
            // checks) also run on their own for a while, with nothing to send.
            BooleanSupplier never = () -> false; // linking a lambda allocates: not inside the measurement
            long idleAllocated = Allocations.fewestBytes(ZeroAllocationTest.ROUNDS,
                () -> runUntil(never, IDLE));
            System.out.printf(stackName + ": %d bytes allocated in %d s of idle virtual time%n", idleAllocated,
                IDLE / SECOND);
            assertEquals(formed, members[0].view().id(), "the view changed while idle");
            assertTrue(idleAllocated < ZeroAllocationTest.ONE_OFF_BYTES, idleAllocated + " bytes allocated in "
                + IDLE / SECOND + " s of idle virtual time");
        } finally {
            for (Member member : members) {
                member.close();
            }
            network.close();
        }
    }

    private boolean converged() {
        View first = members[0].view();
        if (first.size() != MEMBERS) {
            return false;
        }
        for (Member member : members) {
            if (!member.view().id().equals(first.id()) || member.agent().isBlocked()) {
                return false;
            }
        }
        return true;
    }

    /** Casts delivered, summed over all members and origins. */
    private long delivered() {
        long sum = 0;
        for (Counter counter : counters) {
            sum += counter.casts;
        }
        return sum;
    }

    /** Members take turns offering casts, each at most one per round, until {@link #castsToOffer} are in. */
    private void offer() {
        for (int address = 0; address < MEMBERS; address++) {
            long total = 0;
            for (long count : offered) {
                total += count;
            }
            if (total >= castsToOffer) {
                return;
            }
            payload.putLong(0, offered[address]);
            if (members[address].multicast(payload, 0, LENGTH) == SendResult.OK) {
                offered[address]++;
            }
        }
    }

    private boolean runUntil(BooleanSupplier done, long nanos) {
        return driver.runUntil(done, nanos);
    }

    /** Every member does one duty cycle per round, after the senders offered their next messages. */
    private final class Driver extends VirtualTimeDriver {
        Driver(SimNetwork network) {
            super(network);
        }

        @Override
        public int round() {
            offer();
            int work = 0;
            for (Member member : members) {
                work += member.agent().doWork();
            }
            return work;
        }

        @Override
        protected long nextDue(long now) {
            long next = SimNetwork.NEVER;
            for (Member member : members) {
                next = Math.min(next, member.agent().nextDeadline());
            }
            return next;
        }
    }

    /** Counts casts and checks each origin's sequence numbers; keeps nothing else. */
    private static final class Counter implements MessageHandler {
        final long[] next = new long[MEMBERS];
        long casts;
        long misordered;
        View view;

        @Override
        public void onView(View installed) {
            view = installed;
        }

        @Override
        public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
            if (kind != CAST) {
                return;
            }
            int from = view.member(origin).address();
            long seqno = buffer.getLong(offset);
            if (seqno != next[from]) {
                misordered++;
            }
            next[from] = seqno + 1;
            casts++;
        }
    }
}
