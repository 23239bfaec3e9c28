package io.consort.sim.membership;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays one membership schedule from a failure message:
 * {@code mvn -o test -pl sim -Dtest=MembershipReplay -Dconsort.replay=SEED,ADDRESSES[,QUORUM]}.
 */
class MembershipReplay {
    @Test
    @EnabledIfSystemProperty(named = "consort.replay", matches = ".+")
    void replay() {
        String[] parts = System.getProperty("consort.replay").split(",");
        long seed = Long.parseLong(parts[0].trim());
        int addresses = Integer.parseInt(parts[1].trim());
        String stack = parts.length > 2 ? MembershipFixture.primaryStack(Integer.parseInt(parts[2].trim()))
            : MembershipFixture.STACK;
        MembershipProperties.run(seed, addresses, stack);
    }
}
