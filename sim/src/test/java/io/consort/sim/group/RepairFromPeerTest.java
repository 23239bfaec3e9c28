package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.sim.net.LinkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When the path from a cast's origin to a member loses much and another member's path to it loses nothing, the
 * other member repairs what was lost: after a request to the origin brings nothing for a whole wait, mnak asks
 * another member, and keeps asking the one that answered. Asking only the origin sent every repair over the
 * lossy path again.
 */
class RepairFromPeerTest {
    @ParameterizedTest
    @ValueSource(doubles = {0.3, 0.6})
    void aLossyPathFromTheOriginIsRepairedByAnotherMember(double loss) {
        try (GroupRun run = new GroupRun(13, 3, new LinkConfig().delay(200_000, 0), 16, 512, 3000, 0, 64)) {
            run.network.configureLink(0, 2, new LinkConfig().delay(200_000, 0).loss(loss));
            run.assertComplete(run.runToCompletion(600 * GroupRun.SECOND));
            long byPeer = run.group.member(1).counters().value("mnak repairs sent");
            long byOrigin = run.group.member(0).counters().value("mnak retransmitted");
            long naks = run.group.member(2).counters().value("mnak naks sent");
            System.out.printf("loss %.0f %% from 0 to 2: done at t=%.3f s; %d NAKs by member 2; repaired by member 1:"
                + " %d, resent by member 0: %d%n", 100 * loss, run.group.now() / 1e9, naks, byPeer, byOrigin);
            assertTrue(byPeer > byOrigin, "member 1, whose path to member 2 loses nothing, repaired " + byPeer
                + " casts, and the origin, over the lossy path, resent " + byOrigin);
        }
    }
}
