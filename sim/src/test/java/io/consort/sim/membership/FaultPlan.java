package io.consort.sim.membership;

import io.consort.layers.api.Member;
import io.consort.sim.net.LinkConfig;
import java.util.SplittableRandom;

/** Draws one fault for a membership run and schedules it (and its healing) on the group. */
final class FaultPlan {
    static final long MS = 1_000_000L;
    /** Longer than the default suspicion timeout (10 sweeps of 20 ms): the paused process is excluded. */
    static final long LONG_PAUSE = 600 * MS;

    private FaultPlan() {
    }

    /** Schedules one fault within [300 ms, until); returns what it is, for the failure message. */
    static String add(DynamicGroup group, SplittableRandom random, int addresses, long until) {
        long at = 300 * MS + random.nextLong(until - 300 * MS);
        int address = random.nextInt(addresses);
        long lasting = (100 + random.nextInt(900)) * MS;
        switch (random.nextInt(7)) {
            case 0:
                group.crashAt(at, address);
                group.startAt(at + lasting, address);
                return "crash " + address + " at " + at / MS + "ms, restart after " + lasting / MS + "ms";
            case 1:
                group.scheduleAt(at, () -> {
                    int coordinator = coordinator(group, addresses);
                    if (coordinator >= 0) {
                        group.crash(coordinator);
                    }
                });
                group.scheduleAt(at + lasting, () -> restartAll(group, addresses));
                return "crash the coordinator at " + at / MS + "ms, restart after " + lasting / MS + "ms";
            case 2: {
                int[] side = side(random, addresses);
                group.network().partitionAt(at, side, complement(side, addresses));
                group.network().healAt(at + lasting);
                return "partition " + java.util.Arrays.toString(side) + " at " + at / MS + "ms for " + lasting / MS
                    + "ms";
            }
            case 3: {
                int other = (address + 1 + random.nextInt(addresses - 1)) % addresses;
                group.scheduleAt(at, () -> group.network().configureLink(address, other, new LinkConfig().loss(1)));
                group.scheduleAt(at + lasting, () -> group.network().configureLink(address, other, new LinkConfig()
                    .delay(20_000, 50_000)));
                return "one way: " + other + " does not hear " + address + " from " + at / MS + "ms for "
                    + lasting / MS + "ms";
            }
            case 4:
                group.pauseAt(at, address, LONG_PAUSE);
                return "pause " + address + " at " + at / MS + "ms";
            case 5:
                group.leaveAt(at, address);
                group.startAt(at + lasting + 500 * MS, address);
                return "leave " + address + " at " + at / MS + "ms, rejoin after " + (lasting + 500 * MS) / MS + "ms";
            default:
                int second = (address + 1) % addresses;
                group.crashAt(at, address);
                group.crashAt(at, second);
                group.startAt(at + lasting, address);
                group.startAt(at + lasting, second);
                return "crash " + address + " and " + second + " at " + at / MS + "ms, restart after " + lasting / MS
                    + "ms";
        }
    }

    /** Heals every partition and link and starts a process wherever none runs. */
    static void healAll(DynamicGroup group, int addresses) {
        group.network().heal();
        for (int from = 0; from < addresses; from++) {
            for (int to = 0; to < addresses; to++) {
                if (from != to) {
                    group.network().configureLink(from, to, new LinkConfig().delay(20_000, 50_000));
                }
            }
        }
        restartAll(group, addresses);
    }

    static void restartAll(DynamicGroup group, int addresses) {
        for (int address = 0; address < addresses; address++) {
            Member process = group.process(address);
            if (process == null) {
                group.start(address);
            }
        }
    }

    /** The address of the process that coordinates the view of the lowest running address, or -1. */
    static int coordinator(DynamicGroup group, int addresses) {
        for (int address = 0; address < addresses; address++) {
            Member process = group.process(address);
            if (process != null) {
                return process.view().member(0).address();
            }
        }
        return -1;
    }

    private static int[] side(SplittableRandom random, int addresses) {
        int size = 1 + random.nextInt(Math.max(1, addresses - 1));
        int[] side = new int[size];
        int start = random.nextInt(addresses);
        for (int i = 0; i < size; i++) {
            side[i] = (start + i) % addresses;
        }
        return side;
    }

    static int[] complement(int[] side, int addresses) {
        int[] rest = new int[addresses - side.length];
        for (int address = 0, i = 0; address < addresses; address++) {
            boolean in = false;
            for (int s : side) {
                in |= s == address;
            }
            if (!in) {
                rest[i++] = address;
            }
        }
        return rest;
    }
}
