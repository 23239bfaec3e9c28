package io.consort.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.sim.net.LinkConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A crash no longer stalls the group: the survivors exclude the crashed member and go on, through many flow
 * windows (32 casts) of traffic after the crash, delivering each other's messages with virtual synchrony. In a
 * fixed group the same crash stops every survivor after one window, because stability waits for the dead.
 */
class CrashSurvivalProperties {
    static final long MS = 1_000_000L;

    @Property(tries = 20)
    void survivorsOfACrashGoOnPastManyWindows(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int members,
                                             @ForAll @DoubleRange(min = 0, max = 0.1) double loss,
                                             @ForAll @LongRange(min = 0, max = 400) long crashAtMillis) {
        LinkConfig link = new LinkConfig().loss(loss).delay(20_000, 100_000);
        try (DynamicGroup group = MembershipScenarioTest.group(seed, members, link)) {
            for (int address = 0; address < members; address++) {
                group.startAt(0, address);
            }
            assertTrue(group.runUntil(group::converged, 5000 * MS), () -> "seed " + seed + "\n" + group.dump());
            long crashAt = group.now() + crashAtMillis * MS;
            int crashed = (int) Long.remainderUnsigned(seed, members);
            group.crashAt(crashAt, crashed);
            group.traffic(MS, crashAt + 2000 * MS);
            group.runFor(crashAtMillis * MS + 2000 * MS);
            assertTrue(group.runUntil(group::converged, 5000 * MS), () -> "seed " + seed + "\n" + group.dump());
            group.runFor(1000 * MS);
            assertEquals(members - 1, group.live().size());
            for (History survivor : group.live()) {
                assertTrue(survivor.castsOffered() > 20 * 32, () -> "seed " + seed + ": " + survivor.process
                    + " offered only " + survivor.castsOffered() + " casts, fewer than 20 windows\n" + group.dump());
            }
            MembershipFixture.assertAll(group);
        }
    }
}
