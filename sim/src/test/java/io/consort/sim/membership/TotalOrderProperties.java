package io.consort.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.Member;
import io.consort.sim.net.LinkConfig;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Total order over the membership fault mix (loss, duplication, reordering, crashes and restarts, partitions,
 * pauses, leaves) plus crashes and partitions of the sequencer (the view's rank 0): every pair of processes
 * delivers the casts of a view they both installed in the same order, virtual synchrony and everything else the
 * {@link VsyncChecker} judges still hold, chk_total and chk_sync count no violation, and pools are whole when
 * quiet. Every process multicasts throughout, so the order is contested. A failure prints its seed;
 * {@code TotalOrderReplay} replays it or runs many more schedules.
 */
class TotalOrderProperties {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final String STACK = "chk_total(every=4):chk_fifo:gmp:chk_sync:frag:flow(casts=24,sends=32)"
        + ":stable(gossip=2ms,every=8):total(window=32,decisions=8):pt2pt(window=32,tick=2ms):mnak(window=32,nak=2ms)"
        + ":slander:suspect";

    @Example
    void threeSendersAgreeOnOneOrder() {
        try (DynamicGroup group = MembershipScenarioTest.group(7, 3, new LinkConfig().delay(20_000, 150_000)
            .loss(0.02).reorder(0.05, 300_000), STACK)) {
            for (int address = 0; address < 3; address++) {
                group.startAt(0, address);
            }
            group.traffic(MS, 3 * SECOND);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            group.runFor(4 * SECOND);
            assertChecked(group);
            for (History history : group.live()) {
                Member process = group.process(history.process.address());
                assertTrue(process.counters().value("chk_total checked") > 10, group::dump);
                assertTrue(process.counters().value("total casts delivered in order") > 1000, group::dump);
            }
        }
    }

    @Property(tries = 40)
    void totalOrderUnderFaults(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int addresses) {
        run(seed, addresses, STACK);
    }

    @Property(tries = 15)
    void totalOrderWithPrimaryPartition(@ForAll long seed, @ForAll @IntRange(min = 3, max = 5) int addresses) {
        run(seed, addresses, STACK.replace("gmp:", "gmp(quorum=" + addresses + "):"));
    }

    static void run(long seed, int addresses, String stack) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkConfig link = new LinkConfig().loss(random.nextDouble() * 0.03).duplicate(random.nextDouble() * 0.02)
            .delay(20_000, 1 + random.nextInt(200_000)).reorder(random.nextDouble() * 0.05, 300_000);
        try (DynamicGroup group = MembershipScenarioTest.group(seed, addresses, link, stack)) {
            for (int address = 0; address < addresses; address++) {
                group.startAt(random.nextInt(200) * MS, address);
            }
            group.traffic((1 + random.nextInt(3)) * MS, MembershipProperties.FAULTS_UNTIL + 500 * MS);
            int faults = 1 + random.nextInt(4);
            StringBuilder schedule = new StringBuilder();
            for (int i = 0; i < faults; i++) {
                String fault = random.nextInt(3) == 0
                    ? sequencerFault(group, random, addresses, MembershipProperties.FAULTS_UNTIL)
                    : FaultPlan.add(group, random, addresses, MembershipProperties.FAULTS_UNTIL);
                schedule.append(fault).append("; ");
            }
            String context = "seed " + seed + ", " + addresses + " addresses, stack " + stack + ", link " + link
                + ", faults: " + schedule;
            try {
                group.runFor(MembershipProperties.FAULTS_UNTIL + SECOND);
                FaultPlan.healAll(group, addresses);
                assertTrue(group.runUntil(group::converged, MembershipProperties.CONVERGE_BOUND),
                    () -> "not converged after the faults healed\n" + group.dump());
                group.runFor(SECOND);
                assertChecked(group);
            } catch (AssertionError | IllegalStateException e) {
                throw new AssertionError(context + "\n" + e.getMessage(), e);
            }
        }
    }

    /** Crashes the sequencer of the moment (the coordinator: rank 0), or partitions it away, and heals. */
    static String sequencerFault(DynamicGroup group, SplittableRandom random, int addresses, long until) {
        long at = 300 * MS + random.nextLong(until - 300 * MS);
        long lasting = (100 + random.nextInt(900)) * MS;
        boolean crash = random.nextBoolean();
        group.scheduleAt(at, () -> {
            int sequencer = FaultPlan.coordinator(group, addresses);
            if (sequencer < 0) {
                return;
            }
            if (crash) {
                group.crash(sequencer);
            } else {
                group.network().partition(new int[] {sequencer}, FaultPlan.complement(new int[] {sequencer},
                    addresses));
            }
        });
        if (crash) {
            group.scheduleAt(at + lasting, () -> FaultPlan.restartAll(group, addresses));
        } else {
            group.network().healAt(at + lasting);
        }
        return (crash ? "crash" : "partition away") + " the sequencer at " + at / MS + "ms for " + lasting / MS
            + "ms";
    }

    static void assertChecked(DynamicGroup group) {
        MembershipFixture.assertAll(group);
        assertNull(group.checker().checkTotalOrder(), group::dump);
        for (History history : group.live()) {
            Member process = group.process(history.process.address());
            assertEquals(0, process.counters().value("chk_total violations"), group::dump);
            assertEquals(0, process.counters().value("total inconsistent decisions"), group::dump);
            assertEquals(0, process.counters().value("total dropped malformed decisions"), group::dump);
        }
    }
}
