package io.consort.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.Member;

/** The stack and the checks the membership tests share. */
final class MembershipFixture {
    /** vsync with small windows and slower reliability timers, to keep runs cheap, and both checker layers. */
    static final String STACK = "chk_fifo:gmp:chk_sync:frag:flow(casts=32,sends=32):stable(gossip=2ms,every=8)"
        + ":pt2pt(window=32,tick=2ms):mnak(window=32,nak=2ms):slander:suspect";

    /** {@link #STACK} with the primary-partition rule for a group of {@code quorum} at first. */
    static String primaryStack(int quorum) {
        return STACK.replace("gmp:", "gmp(quorum=" + quorum + "):");
    }

    private MembershipFixture() {
    }

    /** Converged and quiet: the histories pass every check, and no live process holds a frame or an event. */
    static void assertAll(DynamicGroup group) {
        assertTrue(group.converged(), group::dump);
        VsyncChecker checker = group.checker();
        assertNull(checker.check(), group::dump);
        assertNull(checker.checkConverged(group.live()), group::dump);
        for (History history : group.live()) {
            Member process = group.process(history.process.address());
            assertEquals(0, process.counters().value("chk_fifo violations"), group::dump);
            assertEquals(0, process.counters().value("chk_sync violations"), group::dump);
            assertEquals(0, process.frames().inUse(), () -> history.process + " holds frames when quiet\n"
                + process.frames().leakReport() + group.dump());
            assertEquals(0, process.agent().events().inUse(), () -> history.process + " holds events when quiet\n"
                + process.agent().events().leakReport() + group.dump());
        }
    }
}
