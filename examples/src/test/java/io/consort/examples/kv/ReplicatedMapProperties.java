package io.consort.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.Member;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.ViewId;
import io.consort.sim.group.Sizing;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.sim.state.StatefulGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The replicated map under the membership fault mix: loss, duplication and reordering throughout; staggered
 * joins; crashes (the state donor's among them) and restarts as new incarnations; partitions that heal. Every
 * running member issues puts, removes, compare-and-sets and ordered reads all along. At the end every member holds
 * a byte-identical map, every install equalled its donor's map at the cut, no member saw a command before it had
 * a state, and every frame and event is back in its pool.
 */
class ReplicatedMapProperties {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final String STACK = "xfer:gmp:frag:flow(casts=24,sends=32):stable(gossip=2ms,every=8)"
        + ":total(window=32,decisions=8):pt2pt(window=32,tick=2ms):mnak(window=32,nak=2ms):slander:suspect";
    private static final long FAULTS_UNTIL = 2 * SECOND;

    @Property(tries = 25)
    void membersThatShareViewsHoldTheSameMap(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int addresses) {
        run(seed, addresses);
    }

    /** {@code -Dconsort.kv.replay=SEED,ADDRESSES} replays one schedule a failure printed. */
    @org.junit.jupiter.api.Test
    void replay() {
        String replay = System.getProperty("consort.kv.replay");
        org.junit.jupiter.api.Assumptions.assumeTrue(replay != null, "set consort.kv.replay=SEED,ADDRESSES");
        String[] parts = replay.split(",");
        run(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
    }

    static void run(long seed, int addresses) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkConfig link = new LinkConfig().loss(random.nextDouble() * 0.03).duplicate(random.nextDouble() * 0.02)
            .delay(20_000, 1 + random.nextInt(200_000)).reorder(random.nextDouble() * 0.05, 300_000);
        SimNetworkConfig network = new SimNetworkConfig(addresses, seed).defaultLink(link);
        MemberConfig config = Sizing.memberConfig(addresses, 1024, 32, network.maxPacketLength())
            .maxGroupSize(addresses);
        Map<ViewId, Long> snapshots = new HashMap<>();
        List<String> violations = new ArrayList<>();
        StringBuilder schedule = new StringBuilder();
        try (StatefulGroup<CheckedMap> group = new StatefulGroup<>(new SimNetwork(network), STACK, config,
            (self, g) -> new CheckedMap(self, snapshots, violations))) {
            group.onStart((member, process) -> member.map.attach(process));
            for (int address = 0; address < addresses; address++) {
                group.startAt(random.nextInt(300) * MS, address);
            }
            workload(group, random, addresses, FAULTS_UNTIL + 300 * MS);
            for (int faults = 1 + random.nextInt(3); faults > 0; faults--) {
                schedule.append(fault(group, random, addresses)).append("; ");
            }
            String context = "seed " + seed + ", " + addresses + " addresses, link " + link + ", faults: " + schedule;
            group.runFor(FAULTS_UNTIL + 500 * MS);
            group.network().heal();
            for (int address = 0; address < addresses; address++) {
                if (group.process(address) == null) {
                    group.start(address);
                }
            }
            assertTrue(group.runUntil(group::settled, 10 * SECOND), () -> context + "\nnot settled\n"
                + group.dump());
            group.runFor(300 * MS);
            assertTrue(group.settled(), () -> context + "\n" + group.dump());
            assertEquals(List.of(), violations, () -> context + "\n" + group.dump());
            assertEquals(null, sameOrder(group, addresses), () -> context + "\n" + group.dump());
            long digest = group.application(0).map.digest();
            for (int address = 0; address < addresses; address++) {
                CheckedMap member = group.application(address);
                assertTrue(member.map.ready(), () -> context + ": " + member.self + " not ready\n" + group.dump());
                assertEquals(digest, member.map.digest(), () -> context + ": " + member.self + " holds another map ("
                    + member.map.size() + " entries, " + group.application(0).map.size() + " at address 0)\n"
                    + group.dump());
                Member process = group.process(address);
                assertEquals(0, process.frames().inUse(), () -> context + ": frames held\n" + group.dump());
                assertEquals(0, process.agent().events().inUse(), () -> context + ": events held\n" + group.dump());
            }
        }
    }

    /**
     * Where two members that went from a view into the same next one (or are both still in it) applied different
     * commands in it: the same ones in the same order once the view is over, one's a prefix of the other's before
     * (a member that never held a state in the view applied none).
     */
    private static String sameOrder(StatefulGroup<CheckedMap> group, int addresses) {
        StringBuilder found = new StringBuilder();
        for (int a = 0; a < addresses; a++) {
            for (int b = a + 1; b < addresses; b++) {
                for (Map.Entry<ViewId, List<Long>> view : group.application(a).applied.entrySet()) {
                    List<Long> mine = view.getValue();
                    CheckedMap other = group.application(b);
                    if (!java.util.Objects.equals(group.application(a).after(view.getKey()), other.after(view.getKey()))
                        || !other.views.contains(view.getKey())) {
                        continue;
                    }
                    List<Long> theirs = other.applied.getOrDefault(view.getKey(), List.of());
                    boolean over = group.application(a).after(view.getKey()) != null;
                    int common = Math.min(mine.size(), theirs.size());
                    if (over && !theirs.isEmpty() && mine.size() != theirs.size()) {
                        found.append("in " + view.getKey() + " addresses " + a + " and " + b + " applied "
                            + mine.size() + " and " + theirs.size() + " commands, then installed the same view\n");
                    } else if (!mine.subList(0, common).equals(theirs.subList(0, common))) {
                        int i = 0;
                        while (mine.get(i).equals(theirs.get(i))) {
                            i++;
                        }
                        found.append("in " + view.getKey() + " addresses " + a + " and " + b + " applied different"
                            + " commands at position " + i + " of " + mine.size() + " and " + theirs.size() + "\n");
                    }
                }
            }
        }
        return found.length() == 0 ? null : found.toString();
    }

    /** Every running member with a state issues a command every 1-4 ms until {@code until}. */
    private static void workload(StatefulGroup<CheckedMap> group, SplittableRandom random, int addresses,
                                 long until) {
        long period = (1 + random.nextInt(4)) * MS;
        group.scheduleAt(group.now() + period, () -> {
            for (int address = 0; address < addresses; address++) {
                if (group.process(address) != null && group.application(address).map.ready()) {
                    command(group.application(address), random);
                }
            }
            if (group.now() + period < until) {
                workload(group, random, addresses, until);
            }
        });
    }

    private static void command(CheckedMap member, SplittableRandom random) {
        // Enough keys and bytes that a transfer outlasts the donor's send budget: it streams across ticks while
        // commands change the map, and the snapshot must hold its moment through pre-images.
        String key = "key" + random.nextInt(4096);
        byte[] value = new byte[random.nextInt(1000)];
        random.nextBytes(value);
        switch (random.nextInt(5)) {
            case 0:
                member.map.remove(key);
                break;
            case 1:
                member.map.compareAndSet(key, member.map.get(key), value);
                break;
            case 2:
                member.map.read(key);
                break;
            default:
                member.map.put(key, value);
        }
    }

    private static String fault(StatefulGroup<CheckedMap> group, SplittableRandom random, int addresses) {
        long at = 400 * MS + random.nextLong(FAULTS_UNTIL - 400 * MS);
        long lasting = (100 + random.nextInt(700)) * MS;
        int address = random.nextInt(addresses);
        switch (random.nextInt(3)) {
            case 0:
                group.crashAt(at, address);
                group.startAt(at + lasting, address);
                return "crash " + address + " at " + at / MS + "ms for " + lasting / MS + "ms";
            case 1:
                group.scheduleAt(at, () -> {
                    for (int a = 0; a < addresses; a++) {
                        if (group.process(a) != null && group.xfer(a).streaming()) {
                            group.crash(a);
                        }
                    }
                });
                group.startAt(at + lasting, address);
                return "crash any donor at " + at / MS + "ms";
            default:
                int split = 1 + random.nextInt(addresses - 1);
                int[] left = new int[split];
                int[] right = new int[addresses - split];
                for (int a = 0; a < addresses; a++) {
                    if (a < split) {
                        left[a] = a;
                    } else {
                        right[a - split] = a;
                    }
                }
                group.network().partitionAt(at, left, right);
                group.network().healAt(at + lasting);
                return "partition at " + split + " at " + at / MS + "ms for " + lasting / MS + "ms";
        }
    }
}
