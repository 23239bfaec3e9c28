package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.sim.net.LinkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over a link that loses nothing, reliability layers resend next to nothing, whatever the round trip: 3 members
 * exchange casts and point-to-point sends over links whose one-way delay ranges from a fraction of a
 * retransmission tick to several ticks. Before pt2pt timed its acknowledgements, every send to a peer more than
 * a tick away was sent twice. And when one member's casts take a slower path to another member than the
 * others' stability gossip about them, the casts still on their way are not asked for: before mnak told a hole
 * below an arrived cast (a loss) from casts known only from gossip, a third of them were asked for and sent twice.
 */
class SpuriousRetransmissionTest {
    @ParameterizedTest
    @ValueSource(longs = {100_000, 1_500_000, 4_000_000, 12_000_000})
    void aLossFreePathIsNotResentTo(long oneWayDelayNanos) {
        LinkConfig link = new LinkConfig().delay(oneWayDelayNanos, oneWayDelayNanos / 10);
        try (GroupRun run = new GroupRun(7, 3, link, 16, 512, 1500, 1500, 64)) {
            run.assertComplete(run.runToCompletion(600 * GroupRun.SECOND));
            long sends = 0;
            long resent = 0;
            for (int rank = 0; rank < 3; rank++) {
                sends += run.group.member(rank).counters().value("pt2pt sends sent");
                resent += run.group.member(rank).counters().value("pt2pt retransmitted");
                assertEquals(0, run.group.member(rank).counters().value("transport dropped loss"));
            }
            System.out.printf("one-way delay %.1f ms: %d sends, %d resent%n", oneWayDelayNanos / 1e6, sends, resent);
            long allowed = sends / 100;
            long resentFinal = resent;
            assertTrue(resent <= allowed, () -> resentFinal + " of " + run.group.member(0).counters().value(
                "pt2pt sends sent") + "... sends resent over a loss-free path (at most " + allowed + " allowed)");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {2_000_000, 3_000_000})
    void castsOnASlowerPathThanTheGossipAreNotAskedFor(long slowDelayNanos) {
        try (GroupRun run = new GroupRun(11, 3, new LinkConfig().delay(100_000, 0), 16, 512, 3000, 0, 64)) {
            run.network.configureLink(0, 2, new LinkConfig().delay(slowDelayNanos, 0));
            run.assertComplete(run.runToCompletion(600 * GroupRun.SECOND));
            long casts = 0;
            long resent = 0;
            for (int rank = 0; rank < 3; rank++) {
                casts += run.group.member(rank).counters().value("mnak casts sent");
                resent += run.group.member(rank).counters().value("mnak retransmitted")
                    + run.group.member(rank).counters().value("mnak repairs sent");
                assertEquals(0, run.group.member(rank).counters().value("transport dropped loss"));
            }
            long naks = run.group.member(2).counters().value("mnak naks sent");
            System.out.printf("0 -> 2 %.1f ms, the rest 0.1 ms: %d casts, %d NAKs by member 2, %d resent%n",
                slowDelayNanos / 1e6, casts, naks, resent);
            long allowed = casts / 1000;
            assertTrue(resent <= allowed, resent + " of " + casts + " casts resent over loss-free paths (at most "
                + allowed + " allowed); member 2 sent " + naks + " NAKs");
            assertTrue(naks <= allowed, naks + " NAKs by member 2 over loss-free paths (at most " + allowed + ")");
        }
    }
}
