package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.api.Member;
import io.consort.sim.net.LinkConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A sender that offers far more than a slow member can take: memory everywhere stays within the configured
 * bounds, the slow member never runs out of receive frames, the sender is pushed back, and in the end every
 * message is delivered.
 */
class SlowReceiverProperties {

    @Property(tries = 20)
    void memoryStaysBoundedAndNothingIsLost(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int members,
                                            @ForAll @IntRange(min = 2, max = 50) int slowness,
                                            @ForAll @IntRange(min = 1, max = 6000) int maxLength) {
        LinkConfig link = new LinkConfig().loss(0.01).delay(10_000, 20_000);
        try (GroupRun run = new GroupRun(seed, members, link, 1, maxLength, 2000, 200, 64)) {
            int slow = members - 1;
            run.group.slowDown(slow, slowness);
            int[] peak = new int[members];
            boolean completed = run.group.runUntil(() -> {
                for (int rank = 0; rank < members; rank++) {
                    FramePool frames = run.group.member(rank).frames();
                    peak[rank] = Math.max(peak[rank], frames.inUse());
                    if (frames.inUse(Account.RECEIVE) > frames.limit(Account.RECEIVE)
                        || frames.inUse(Account.SEND) > frames.limit(Account.SEND)) {
                        throw new AssertionError("seed " + seed + ": member " + rank + " over its frame limits");
                    }
                }
                return run.checker.violations() > 0 || run.complete();
            }, 600 * GroupRun.SECOND);
            run.assertComplete(completed);
            Member slowMember = run.group.member(slow);
            assertEquals(0, slowMember.counters().value("transport dropped rx pool empty"),
                () -> "seed " + seed + ": the slow member ran out of receive frames\n" + run.group.dump());
            long heldBack = 0;
            for (int rank = 0; rank < members; rank++) {
                heldBack += run.workload.backPressured(rank)
                    + run.group.member(rank).counters().value("member application blocked")
                    + run.group.member(rank).counters().value("flow casts held back");
                assertTrue(peak[rank] <= run.group.member(rank).frames().frameCount());
            }
            assertTrue(heldBack > 0, () -> "seed " + seed + ": 2000 casts went out at once: nothing held the"
                + " senders back");
        }
    }
}
