package io.consort.sim.membership;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays one total-order schedule from a failure message:
 * {@code mvn -o test -pl sim -Dtest=TotalOrderReplay -Dconsort.replay=SEED,ADDRESSES[,QUORUM]}; or runs many more
 * schedules than a build does: {@code -Dtest=TotalOrderReplay -Dconsort.total.tries=N}.
 */
class TotalOrderReplay {
    @Test
    @EnabledIfSystemProperty(named = "consort.replay", matches = ".+")
    void replay() {
        String[] parts = System.getProperty("consort.replay").split(",");
        long seed = Long.parseLong(parts[0].trim());
        int addresses = Integer.parseInt(parts[1].trim());
        TotalOrderProperties.run(seed, addresses, parts.length > 2
            ? primary(Integer.parseInt(parts[2].trim())) : TotalOrderProperties.STACK);
    }

    @Test
    @EnabledIfSystemProperty(named = "consort.total.tries", matches = "\\d+")
    void soak() {
        int tries = Integer.getInteger("consort.total.tries");
        SplittableRandom seeds = new SplittableRandom(Long.getLong("consort.total.seed", 1));
        for (int i = 0; i < tries; i++) {
            long seed = seeds.nextLong();
            int addresses = 2 + seeds.nextInt(4);
            boolean primary = seeds.nextBoolean() && addresses >= 3;
            TotalOrderProperties.run(seed, addresses, primary ? primary(addresses) : TotalOrderProperties.STACK);
            if ((i + 1) % 50 == 0) {
                System.out.println("total order soak: " + (i + 1) + " schedules passed");
            }
        }
    }

    private static String primary(int quorum) {
        return TotalOrderProperties.STACK.replace("gmp:", "gmp(quorum=" + quorum + "):");
    }
}
