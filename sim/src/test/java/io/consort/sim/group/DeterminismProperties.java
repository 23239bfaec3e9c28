package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.consort.sim.net.LinkConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The same seed gives the same run: same virtual end time, same counters at every member, byte for byte. */
class DeterminismProperties {

    @Property(tries = 12)
    void sameSeedSameRun(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int members) {
        assertEquals(run(seed, members), run(seed, members), "seed " + seed);
    }

    private static String run(long seed, int members) {
        LinkConfig link = new LinkConfig().loss(0.1).duplicate(0.05).delay(10_000, 200_000);
        try (GroupRun run = new GroupRun(seed, members, link, 1, 5000, 50, 10, 64)) {
            run.assertComplete(run.runToCompletion(300 * GroupRun.SECOND));
            StringBuilder trace = new StringBuilder("t=").append(run.group.now()).append('\n');
            for (int rank = 0; rank < members; rank++) {
                trace.append(run.group.member(rank).counters().dump());
            }
            return trace.toString();
        }
    }
}
