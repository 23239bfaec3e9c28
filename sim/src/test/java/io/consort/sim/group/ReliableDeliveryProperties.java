package io.consort.sim.group;

import io.consort.sim.net.LinkConfig;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Exactly-once, per-sender FIFO, intact delivery of multicasts and point-to-point messages at every member,
 * over networks that lose, duplicate, reorder and delay packets; and every frame back in its pool afterwards.
 */
class ReliableDeliveryProperties {

    @Property(tries = 100)
    void smallMessagesOverFaultyLinks(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int members,
                                      @ForAll("faultyLinks") LinkConfig link,
                                      @ForAll @IntRange(min = 1, max = 3000) int maxLength) {
        try (GroupRun run = new GroupRun(seed, members, link, 1, maxLength, 60, 20, 64)) {
            run.assertComplete(run.runToCompletion(120 * GroupRun.SECOND));
        }
    }

    @Property(tries = 10)
    void largeMessagesOverFaultyLinks(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int members,
                                      @ForAll("faultyLinks") LinkConfig link,
                                      @ForAll @IntRange(min = 64 * 1024, max = 4 * 1024 * 1024) int maxLength) {
        try (GroupRun run = new GroupRun(seed, members, link, 1, maxLength, 3, 1, 256)) {
            run.assertComplete(run.runToCompletion(600 * GroupRun.SECOND));
            long reassembled = 0;
            for (int rank = 0; rank < members; rank++) {
                reassembled += run.group.member(rank).counters().value("frag messages reassembled");
            }
            long fragmentedAtAll = reassembled;
            assertTrue(fragmentedAtAll > 0, () -> "seed " + seed + ": no message was large enough to fragment");
        }
    }

    @Provide
    Arbitrary<LinkConfig> faultyLinks() {
        return Combinators.combine(
            Arbitraries.doubles().between(0, 0.3),
            Arbitraries.doubles().between(0, 0.2),
            Arbitraries.longs().between(1_000, 200_000),
            Arbitraries.longs().between(0, 500_000)
        ).as((loss, duplicate, delay, jitter) -> new LinkConfig().loss(loss).duplicate(duplicate)
            .delay(delay, jitter));
    }
}
