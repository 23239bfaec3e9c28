package io.consort.bench.lab;

import io.consort.cli.member.NetworkOptions;
import io.consort.cli.member.Placement;
import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.CountingSink;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * What a transport alone carries between the lab's namespaces, with no stack above it: member 0 floods casts of
 * {@code --size} bytes to every other member as fast as the transport takes them, built exactly as
 * {@code consort perf --lab} builds it (same factory, bundling and multicast); every other member counts what
 * arrives in a window that opens {@code --warmup} seconds after its first packet. The receivers' rate is the
 * ceiling the path offers the group's stack on this machine: bench-lab sets Consort's msgs/s beside it.
 *
 * <p>Open loop, like a packet generator: with no flow control the sender may outrun the receivers and what they
 * cannot take is dropped in the kernel, so the receivers print their rate and the sender its offered rate.
 * One CSV line per process: {@code role,index,transport,size_bytes,packets,per_s}.
 */
@Command(name = "transport-ceiling", mixinStandardHelpOptions = true)
public final class TransportCeiling implements Callable<Integer> {
    private static final int BURST = 32;
    private static final long NANOS = 1_000_000_000L;

    @Option(names = "--lab", required = true, description = "Member index in the lab 'consort lab up' built.")
    int lab;

    @Option(names = "--transport", defaultValue = "xdp", description = "udp-batched or xdp.")
    String transport;

    @Option(names = "--size", defaultValue = "1024", description = "Bytes per cast.")
    int size;

    @Option(names = "--warmup", defaultValue = "2", description = "Seconds before the counting window.")
    double warmup;

    @Option(names = "--duration", defaultValue = "5", description = "Seconds counted.")
    double duration;

    @Option(names = "--timeout", defaultValue = "30", description = "Seconds a receiver waits for the first packet.")
    double timeout;

    @Mixin
    NetworkOptions network;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TransportCeiling()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Placement placement = Placement.of(null, null, null, lab, null, "no lab: run 'consort lab up' first");
        network.interfaceName = placement.interfaceName();
        FramePool pool = FramePool.allocate(new FramePoolConfig().frameCount(16_384).receiveLimit(8_192)
            .sendLimit(4_096).leakDetection(LeakDetector.Level.OFF));
        CounterSet counters = new CounterSet("ceiling", 256);
        if (size < 1 || size > pool.frameSize() - pool.headroom()) {
            throw new IllegalArgumentException("--size must be 1 to " + (pool.frameSize() - pool.headroom()));
        }
        try (Transport link = network.factory(transport, placement.book(), true).create(pool, counters)) {
            long packets = lab == 0 ? flood(link, pool) : count(link, pool);
            double perSecond = packets / (lab == 0 ? warmup + duration + 1 : duration);
            System.out.printf(Locale.ROOT, "%s,%d,%s,%d,%d,%.1f%n", lab == 0 ? "sender" : "receiver", lab, transport,
                size, packets, perSecond);
            return lab != 0 && packets == 0 ? 1 : 0;
        }
    }

    /** Offers casts for the warm-up and the window; returns how many the transport took. */
    private long flood(Transport link, FramePool pool) {
        CountingSink drain = new CountingSink(pool);
        long end = System.nanoTime() + (long) ((warmup + duration + 1) * NANOS); // outlasts the receivers' window
        long taken = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < BURST; i++) {
                int frame = pool.acquire(Account.SEND);
                if (frame == FramePool.NO_FRAME) {
                    break; // every send frame is still in the TX ring
                }
                pool.buffer().putByte(pool.frameOffset(frame) + pool.headroom(), WireIds.MAGIC);
                if (link.send(Transport.ALL, frame, pool.headroom(), size)) {
                    taken++;
                }
                pool.release(frame);
            }
            link.flush();
            link.poll(drain, 64);
        }
        return taken;
    }

    /** Counts what arrives in the window that opens {@code warmup} seconds after the first packet. */
    private long count(Transport link, FramePool pool) {
        CountingSink counter = new CountingSink(pool);
        long giveUp = System.nanoTime() + (long) (timeout * NANOS);
        while (counter.packets() == 0) {
            link.poll(counter, 64);
            if (System.nanoTime() > giveUp) {
                return 0;
            }
        }
        long open = System.nanoTime() + (long) (warmup * NANOS);
        long close = open + (long) (duration * NANOS);
        long atOpen = -1;
        for (long now = System.nanoTime(); now < close; now = System.nanoTime()) {
            if (atOpen < 0 && now >= open) {
                atOpen = counter.packets();
            }
            link.poll(counter, 64);
            link.flush();
        }
        return counter.packets() - atOpen;
    }
}
