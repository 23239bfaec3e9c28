package io.consort.sim.group;

import io.consort.sim.net.LinkConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Partitions that heal lose nothing in a fixed group. (Surviving a crash needs membership: see
 * {@code io.consort.sim.membership.CrashSurvivalProperties}.)
 */
class FaultScheduleProperties {

    @Property(tries = 30)
    void partitionsThatHealLoseNothing(@ForAll long seed, @ForAll @IntRange(min = 2, max = 6) int members,
                                       @ForAll @DoubleRange(min = 0, max = 0.1) double loss,
                                       @ForAll @LongRange(min = 1, max = 50) long partitionAtMillis,
                                       @ForAll @LongRange(min = 1, max = 2000) long partitionMillis) {
        LinkConfig link = new LinkConfig().loss(loss).delay(20_000, 100_000);
        try (GroupRun run = new GroupRun(seed, members, link, 1, 2000, 60, 20, 64)) {
            int split = 1 + (int) Long.remainderUnsigned(seed, members - 1);
            long at = run.group.now() + partitionAtMillis * 1_000_000;
            run.network.partitionAt(at, range(0, split), range(split, members));
            run.network.healAt(at + partitionMillis * 1_000_000);
            run.assertComplete(run.runToCompletion(300 * GroupRun.SECOND));
        }
    }

    private static int[] range(int from, int to) {
        int[] ranks = new int[to - from];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = from + i;
        }
        return ranks;
    }
}
