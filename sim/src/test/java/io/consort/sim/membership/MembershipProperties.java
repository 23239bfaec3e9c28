package io.consort.sim.membership;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.sim.net.LinkConfig;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Virtual synchrony over seeded fault schedules: loss, duplication and reordering throughout, and a few of
 * crashes (of any process, of the coordinator, of several at once), restarts as new incarnations, partitions
 * that heal, one-way reachability, leaves and rejoins, and pauses longer than the suspicion timeout. After the
 * last fault heals, the live processes must converge on one view within {@link #CONVERGE_BOUND} of virtual time,
 * and every history must pass the {@link VsyncChecker}. A failure prints its seed; {@code MembershipReplay}
 * replays it. {@code -Dconsort.membership.tries=N} runs more schedules.
 */
class MembershipProperties {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    /** From the last fault healed to one view of every live process, at most. */
    static final long CONVERGE_BOUND = 10 * SECOND;
    static final long FAULTS_UNTIL = 3 * SECOND;

    @Property(tries = 60)
    void virtualSynchronyUnderFaults(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int addresses) {
        run(seed, addresses, MembershipFixture.STACK);
    }

    /** The same schedules with the primary-partition rule: also at most one primary view per logical time. */
    @Property(tries = 30)
    void onePrimaryPerLogicalTime(@ForAll long seed, @ForAll @IntRange(min = 3, max = 5) int addresses) {
        run(seed, addresses, MembershipFixture.primaryStack(addresses));
    }

    static void run(long seed, int addresses, String stack) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkConfig link = new LinkConfig().loss(random.nextDouble() * 0.03).duplicate(random.nextDouble() * 0.02)
            .delay(20_000, 1 + random.nextInt(200_000)).reorder(random.nextDouble() * 0.05, 300_000);
        try (DynamicGroup group = MembershipScenarioTest.group(seed, addresses, link, stack)) {
            for (int address = 0; address < addresses; address++) {
                group.startAt(random.nextInt(200) * MS, address);
            }
            group.traffic((1 + random.nextInt(4)) * MS, FAULTS_UNTIL + 500 * MS);
            int faults = 1 + random.nextInt(4);
            StringBuilder schedule = new StringBuilder();
            for (int i = 0; i < faults; i++) {
                schedule.append(FaultPlan.add(group, random, addresses, FAULTS_UNTIL)).append("; ");
            }
            String context = "seed " + seed + ", " + addresses + " addresses, stack " + stack + ", link " + link
                + ", faults: " + schedule;
            try {
                group.runFor(FAULTS_UNTIL + SECOND);
            } catch (IllegalStateException e) {
                throw new AssertionError(context + "\n" + e.getMessage(), e);
            }
            FaultPlan.healAll(group, addresses);
            boolean converged = group.runUntil(group::converged, CONVERGE_BOUND);
            assertTrue(converged, () -> context + "\nnot converged " + CONVERGE_BOUND / SECOND
                + " s after the faults healed\n" + group.dump());
            group.runFor(SECOND);
            try {
                MembershipFixture.assertAll(group);
            } catch (AssertionError e) {
                throw new AssertionError(context + "\n" + e.getMessage(), e);
            }
        }
    }
}
