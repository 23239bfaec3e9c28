package io.consort.sim.membership;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays one membership schedule from a failure message:
 * {@code mvn -o test -pl sim -Dtest=MembershipReplay -Dconsort.replay=SEED,ADDRESSES[,QUORUM]}; or runs many
 * more schedules than a build does: {@code -Dtest=MembershipReplay -Dconsort.membership.tries=N}.
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

    @Test
    @EnabledIfSystemProperty(named = "consort.membership.tries", matches = "\\d+")
    void soak() {
        int tries = Integer.getInteger("consort.membership.tries");
        SplittableRandom seeds = new SplittableRandom(Long.getLong("consort.membership.seed", 1));
        for (int i = 0; i < tries; i++) {
            long seed = seeds.nextLong();
            int addresses = 2 + seeds.nextInt(4);
            boolean primary = seeds.nextBoolean() && addresses >= 3;
            MembershipProperties.run(seed, addresses, primary ? MembershipFixture.primaryStack(addresses)
                : MembershipFixture.STACK);
        }
    }
}
