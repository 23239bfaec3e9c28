package io.consort.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.transport.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

/** Same seed and calls, same run, byte for byte; another seed, another run. */
class DeterminismTest {
    @Property(tries = 30)
    void sameSeedSameTrace(@ForAll long seed, @ForAll @IntRange(min = 3, max = 8) int members) throws Exception {
        List<String> first = run(seed, members);
        List<String> second = run(seed, members);
        assertEquals(first, second, "seed " + seed);
    }

    @Test
    void differentSeedsDifferentTraces() throws Exception {
        List<String> one = run(1, 4);
        List<String> two = run(2, 4);
        assertTrue(one.size() > 1000, "a trace long enough to mean something: " + one.size());
        assertNotEquals(one, two);
    }

    /**
     * A lossy, duplicating, reordering, bandwidth-limited run with a partition and a crash, traffic chosen by a
     * second random source derived from the seed; the trace is every network event plus every payload handed up.
     */
    private static List<String> run(long seed, int members) throws Exception {
        LinkConfig link = new LinkConfig().loss(0.1).duplicate(0.05).delay(20_000, 200_000).reorder(0.05, 1_000_000)
            .bandwidth(50_000_000);
        SimNetworkConfig config = new SimNetworkConfig(members, seed).defaultLink(link).receiveQueueCapacity(64);
        List<String> trace = new ArrayList<>();
        try (NetFixture net = new NetFixture(config)) {
            net.network.listener(new Tracer(trace));
            net.network.partitionAt(3_000_000, new int[] {0}, new int[] {1, 2});
            net.network.healAt(6_000_000);
            net.network.crashAt(8_000_000, members - 1);
            SplittableRandom traffic = new SplittableRandom(seed * 31 + 7);
            for (int i = 0; i < 800; i++) {
                int from = traffic.nextInt(members);
                int to = traffic.nextInt(4) == 0 ? Transport.ALL : traffic.nextInt(members);
                net.send(from, to, NetFixture.payload(i, 1 + traffic.nextInt(1400)));
                net.network.advanceTo(net.network.clock().nanoTime() + traffic.nextLong(30_000));
                if (traffic.nextInt(3) == 0) {
                    net.pollAll();
                }
            }
            net.runUntilIdle();
            for (NetFixture.Received r : net.received) {
                trace.add("up " + r.time() + " " + r.member() + " " + Arrays.hashCode(r.bytes()));
            }
        }
        return trace;
    }

    private static final class Tracer implements NetworkListener {
        private final List<String> trace;

        Tracer(List<String> trace) {
            this.trace = trace;
        }

        @Override
        public void onTransmit(long now, int source, int destination, int length, long arrival, boolean duplicate) {
            trace.add("tx " + now + " " + source + ">" + destination + " " + length + " @" + arrival + " " + duplicate);
        }

        @Override
        public void onDrop(long time, int source, int destination, DropReason reason, int length) {
            trace.add("drop " + time + " " + source + ">" + destination + " " + reason + " " + length);
        }

        @Override
        public void onDeliver(long now, int source, int destination, DirectBuffer buffer, int index, int length) {
            byte[] bytes = new byte[length];
            buffer.getBytes(index, bytes);
            trace.add("rx " + now + " " + source + ">" + destination + " " + Arrays.hashCode(bytes));
        }
    }
}
