package io.consort.sim.state;

import static io.consort.sim.state.StateFixture.MS;
import static io.consort.sim.state.StateFixture.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.runtime.View;
import io.consort.sim.net.LinkConfig;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A donor that crashes mid-transfer is replaced and the transfer starts over (the receiver hears abort, then a
 * fresh begin) and completes; partitions that each went on with their own state merge into the side the merge
 * policy keeps, at every member. Over seeded link delays and loss.
 */
class DonorAndMergeProperties {
    @Property(tries = 8)
    void aDonorCrashMidTransferRestartsWithAnotherDonor(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkConfig link = new LinkConfig().loss(random.nextDouble() * 0.02).delay(20_000, 1 + random.nextInt(100_000));
        StateFixture fixture = new StateFixture(seed, 3, link, StateFixture.STACK);
        StatefulGroup<BlobApp> group = fixture.group;
        try (group) {
            group.start(0);
            group.start(1);
            assertTrue(group.runUntil(() -> group.settled() && group.running().size() == 2, 5 * SECOND),
                group::dump);
            assertTrue(fixture.set(0, (4 << 20) + random.nextInt(1 << 20), seed));
            group.runFor(100 * MS);
            group.start(2);
            assertTrue(group.runUntil(() -> group.process(2).view().size() == 3 && group.application(2).begins > 0
                && fixture.counter(2, "state bytes installed") > 0, 5 * SECOND), group::dump);
            int donor = group.xfer(0).streaming() ? 0 : 1;
            assertTrue(group.xfer(donor).streaming(), group::dump);
            int survivor = 1 - donor;
            fixture.writeEvery(survivor, 100_000, group.now() + 500 * MS, 100);
            group.crash(donor);
            group.runFor(600 * MS);
            fixture.assertSettledAndEqual("seed " + seed + ", donor " + donor + " crashed");
            BlobApp receiver = group.application(2);
            // One transfer cut short, one completed (besides the empty state it may have adopted alone at first);
            // every install begun ended or was aborted.
            assertEquals(1, receiver.aborts, group::dump);
            assertEquals(1, fixture.counter(2, "transfers aborted"), group::dump);
            assertEquals(1, fixture.counter(2, "transfers installed"), group::dump);
            assertEquals(receiver.begins, receiver.aborts + receiver.installs, group::dump);
            assertTrue(fixture.counter(survivor, "transfers donated") >= 1, group::dump);
        }
    }

    /**
     * Two halves of a group go on apart, each with a writer; when they merge, the sizes tie and the side holding
     * rank 0 of the merged view keeps its state (the default policy without a primary rule).
     */
    @Property(tries = 6)
    void mergedPartitionsKeepThePolicysSide(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkConfig link = new LinkConfig().loss(random.nextDouble() * 0.02).delay(20_000, 1 + random.nextInt(100_000));
        StateFixture fixture = new StateFixture(seed, 4, link, StateFixture.STACK);
        StatefulGroup<BlobApp> group = fixture.group;
        try (group) {
            for (int address = 0; address < 4; address++) {
                group.start(address);
            }
            assertTrue(group.runUntil(() -> group.settled() && group.process(0).view().size() == 4, 5 * SECOND),
                group::dump);
            assertTrue(fixture.set(0, 64 * 1024, seed));
            group.runFor(100 * MS);
            group.network().partitionAt(group.now(), new int[] {0, 1}, new int[] {2, 3});
            assertTrue(group.runUntil(() -> group.process(0).view().size() == 2
                && group.process(2).view().size() == 2 && group.xfer(0).settled() && group.xfer(2).settled(),
                5 * SECOND), group::dump);
            fixture.writeEvery(0, MS, group.now() + 200 * MS, 100);
            fixture.writeEvery(2, MS, group.now() + 200 * MS, 300);
            group.runFor(300 * MS);
            long left = group.application(0).digest();
            long right = group.application(2).digest();
            assertNotEquals(left, right);
            assertEquals(left, group.application(1).digest(), group::dump);
            assertEquals(right, group.application(3).digest(), group::dump);
            group.network().heal();
            fixture.assertSettledAndEqual("seed " + seed);
            View merged = group.process(0).view();
            assertEquals(4, merged.size());
            int first = merged.member(0).address();
            long kept = first <= 1 ? left : right;
            assertEquals(kept, group.application(0).digest(), () -> "the side of rank 0 (" + first + ") lost\n"
                + group.dump());
        }
    }
}
