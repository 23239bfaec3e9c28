package io.consort.bench.jmh;

import io.consort.bench.BenchGroup;
import io.consort.layers.api.SendResult;

/**
 * Shared driving logic of the group benchmarks: put one message in, run duty cycles until it is delivered
 * where it should be. Throws rather than spin forever if the stack stops making progress.
 */
final class GroupState {
    static final long TICK_NANOS = 1000;
    static final int MAX_ROUNDS = 1_000_000;

    private GroupState() {
    }

    /** One multicast from member 0, driven until all members delivered it; returns the rounds it took. */
    static int multicast(BenchGroup group, int length) {
        int rounds = 0;
        while (group.multicast(0, length) != SendResult.OK) {
            rounds += step(group, rounds);
        }
        long target = group.deliveries() + group.size();
        while (group.deliveries() < target) {
            rounds += step(group, rounds);
        }
        return rounds;
    }

    /** One send from member 0 to member 1, driven until member 1 delivered it; returns the rounds it took. */
    static int send(BenchGroup group, int length) {
        int rounds = 0;
        while (group.send(0, 1, length) != SendResult.OK) {
            rounds += step(group, rounds);
        }
        long target = group.deliveries(1) + 1;
        while (group.deliveries(1) < target) {
            rounds += step(group, rounds);
        }
        return rounds;
    }

    private static int step(BenchGroup group, int rounds) {
        if (rounds > MAX_ROUNDS) {
            throw new IllegalStateException("no progress after " + MAX_ROUNDS + " rounds");
        }
        group.round();
        return 1;
    }

    static void close(BenchGroup group) {
        if (!group.drain(10_000_000)) {
            throw new IllegalStateException("group did not drain: misordered=" + group.misordered());
        }
        group.close();
    }
}
