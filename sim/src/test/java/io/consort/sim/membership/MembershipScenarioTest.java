package io.consort.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.runtime.MemberConfig;
import io.consort.sim.group.Sizing;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import org.junit.jupiter.api.Test;

/** Hand-written membership scenarios: each is one fault, with the checks every property shares. */
class MembershipScenarioTest {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final int MAXLEN = Integer.getInteger("maxlen", 4000);

    static DynamicGroup group(long seed, int addresses, LinkConfig link) {
        return group(seed, addresses, link, MembershipFixture.STACK);
    }

    static DynamicGroup group(long seed, int addresses, LinkConfig link, String stack) {
        SimNetworkConfig config = new SimNetworkConfig(addresses, seed).defaultLink(link);
        MemberConfig member = Sizing.memberConfig(addresses, MAXLEN, 32, config.maxPacketLength())
            .maxGroupSize(addresses);
        return new DynamicGroup(new SimNetwork(config), stack, member, seed, MAXLEN);
    }

    @Test
    void threeProcessesFormOneView() {
        try (DynamicGroup group = group(1, 3, new LinkConfig().delay(50_000, 100_000))) {
            for (int address = 0; address < 3; address++) {
                group.startAt(0, address);
            }
            group.traffic(2 * MS, 2 * SECOND);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            group.runFor(3 * SECOND);
            MembershipFixture.assertAll(group);
        }
    }

    /**
     * A process paused past the suspicion timeout is excluded; when it runs again it learns so from the group's
     * probes, stops without delivering anything in a view it is not in, and comes back as a new incarnation.
     */
    @Test
    void pausedProcessLearnsItWasExcludedAndRejoinsAsNewIncarnation() {
        try (DynamicGroup group = group(3, 3, new LinkConfig().delay(50_000, 100_000))) {
            for (int address = 0; address < 3; address++) {
                group.startAt(0, address);
            }
            group.traffic(2 * MS, 4 * SECOND);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            group.pauseAt(group.now(), 2, 600 * MS);
            group.runFor(2 * SECOND);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            assertEquals(1, group.excluded(), group::dump);
            assertEquals(2, group.process(2).endpoint().incarnation(), group::dump);
            assertEquals(3, group.process(0).view().size(), group::dump);
            group.runFor(3 * SECOND);
            MembershipFixture.assertAll(group);
        }
    }

    @Test
    void crashedProcessIsExcludedAndRestartRejoins() {
        try (DynamicGroup group = group(2, 3, new LinkConfig().delay(50_000, 100_000).loss(0.01))) {
            for (int address = 0; address < 3; address++) {
                group.startAt(0, address);
            }
            group.traffic(2 * MS, 6 * SECOND);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            group.crashAt(group.now() + 500 * MS, 1);
            group.runFor(SECOND);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            assertEquals(2, group.live().size());
            group.startAt(group.now(), 1);
            group.runFor(10 * MS);
            assertTrue(group.runUntil(group::converged, 5 * SECOND), group::dump);
            assertEquals(3, group.live().size());
            group.runFor(5 * SECOND);
            MembershipFixture.assertAll(group);
        }
    }
}
