package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.sim.net.LinkConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Partitions that heal lose nothing; a crash never makes a survivor deliver wrongly, nor stop among survivors. */
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

    @Property(tries = 30)
    void survivorsOfACrashStaySafeAndLive(@ForAll long seed, @ForAll @IntRange(min = 2, max = 6) int members,
                                          @ForAll @DoubleRange(min = 0, max = 0.2) double loss,
                                          @ForAll @LongRange(min = 0, max = 20) long crashAtMillis) {
        LinkConfig link = new LinkConfig().loss(loss).delay(20_000, 100_000);
        try (GroupRun run = new GroupRun(seed, members, link, 1, 1500, 40, 20, 64)) {
            int crashed = (int) Long.remainderUnsigned(seed, members);
            run.network.crashAt(run.group.now() + crashAtMillis * 1_000_000, crashed);
            boolean survivorsDone = run.group.runUntil(
                () -> run.checker.violations() > 0 || survivorsComplete(run, crashed), 300 * GroupRun.SECOND);
            run.assertSafe();
            assertTrue(survivorsDone, () -> "seed " + seed + ": survivors of the crash of " + crashed
                + " did not deliver each other's messages\n" + run.progress() + run.group.dump());
        }
    }

    private static boolean survivorsComplete(GroupRun run, int crashed) {
        for (int receiver = 0; receiver < run.group.size(); receiver++) {
            for (int origin = 0; origin < run.group.size(); origin++) {
                if (receiver == crashed || origin == crashed) {
                    continue;
                }
                if (run.checker.castsDelivered(receiver, origin) < run.workload.casts()) {
                    return false;
                }
                if (origin != receiver && run.checker.sendsDelivered(receiver, origin) < run.workload.sends()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int[] range(int from, int to) {
        int[] ranks = new int[to - from];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = from + i;
        }
        return ranks;
    }
}
