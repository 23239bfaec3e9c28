package io.consort.sim.group;

import io.consort.sim.net.LinkConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A group whose offered load far exceeds what its links carry, with loss: 5 members each multicasting 30 KB
 * messages as fast as flow control lets them over links of 1.5 MB/s with 2 % loss (a 30 KB message is 21
 * packets, so about a third of them lose at least one). Retransmissions and NAKs compete with new data for the
 * same links; they must adapt to what the path carries, so that the group converges: every member delivers every
 * message, intact and in order, within the bound of virtual time.
 */
class RetransmissionStormProperties {
    static final int MEMBERS = 5;
    static final int LENGTH = 30_000;
    static final long CASTS = 40;
    static final long BOUND = 600 * GroupRun.SECOND;

    @Property(tries = 3)
    void aBandwidthLimitedLossyGroupConverges(@ForAll long seed) {
        LinkConfig link = new LinkConfig().bandwidth(1_500_000).loss(0.02).delay(100_000, 200_000);
        try (GroupRun run = new GroupRun(seed, MEMBERS, link, LENGTH, LENGTH, CASTS, 0, 64)) {
            run.assertComplete(run.runToCompletion(BOUND));
            System.out.printf("retransmission storm, seed %d: converged at t=%.1f s, %d NAKs, %d retransmitted%n", seed,
                run.group.now() / 1e9, sum(run, "mnak naks sent"), sum(run, "mnak retransmitted"));
        }
    }

    private static long sum(GroupRun run, String counter) {
        long total = 0;
        for (int rank = 0; rank < MEMBERS; rank++) {
            total += run.group.member(rank).counters().value(counter);
        }
        return total;
    }
}
