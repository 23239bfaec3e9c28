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
 * a tick away was sent twice.
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
}
