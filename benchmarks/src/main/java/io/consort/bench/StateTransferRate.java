package io.consort.bench;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.api.StateHandler;
import io.consort.layers.api.StateWriter;
import io.consort.layers.runtime.MemberConfig;
import io.consort.sim.group.Sizing;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import io.consort.sim.state.StatefulGroup;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * State transfer over the simulator ({@code xfer} on the {@code total} stack, default windows): a group of two
 * holds a state of 1 KiB, 1 MiB or 256 MiB while one member multicasts a small command every 100 µs; a third
 * process starts and joins. Measured at the joiner, in virtual time: from its start (first contact) to its first
 * ordered delivery, and the transfer's rate from the donor's snapshot to the joiner's end of install; and in
 * wall-clock time, the rate at
 * which the one simulator thread moved the state through donor, network and receiver (every member's work on one
 * core: a bound on the CPU cost, not a network figure). Links: 50 µs + up to 20 µs, 10 Gbit/s, no loss.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx3g -cp benchmarks/target/benchmarks.jar \
 *     io.consort.bench.StateTransferRate [--sizes 1024,1048576,268435456]
 * </pre>
 */
public final class StateTransferRate {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final String STACK = "xfer:" + io.consort.stacks.StackDescription.NAMED.get("total");

    public static void main(String[] args) {
        long[] sizes = {1024, 1 << 20, 256L << 20};
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--sizes")) {
                String[] parts = args[i + 1].split(",");
                sizes = new long[parts.length];
                for (int j = 0; j < parts.length; j++) {
                    sizes[j] = Long.parseLong(parts[j].trim());
                }
            }
        }
        System.out.println("| state | contact to first ordered delivery (virtual) | transfer (virtual) | rate (virtual)"
            + " | transfer (wall, one thread) | rate (wall) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (long size : sizes) {
            run((int) size);
        }
    }

    private static void run(int size) {
        SimNetworkConfig network = new SimNetworkConfig(3, size).defaultLink(new LinkConfig().delay(50_000, 20_000)
            .bandwidth(Long.getLong("bandwidth", 1_250_000_000L)));
        MemberConfig config = Sizing.memberConfig(3, 1024, 256, network.maxPacketLength()).maxGroupSize(3);
        try (StatefulGroup<Blob> group = new StatefulGroup<>(new SimNetwork(network), STACK, config,
            (self, g) -> new Blob(g))) {
            group.start(0);
            group.start(1);
            if (!group.runUntil(() -> group.settled() && group.running().size() == 2, 10 * SECOND)) {
                throw new IllegalStateException("the group did not form\n" + group.dump());
            }
            group.application(0).generate(size);
            group.application(1).generate(size);
            UnsafeBuffer command = new UnsafeBuffer(new byte[64]);
            long[] sent = {0};
            writer(group, command, sent);
            group.runFor(50 * MS);
            long contact = group.now();
            group.start(2);
            Blob joiner = group.application(2);
            if (!group.runUntil(() -> joiner.firstDelivery > 0 && joiner.ended > 0, 600 * SECOND)) {
                throw new IllegalStateException("the joiner did not get the state\n" + group.dump());
            }
            Blob donor = group.application(0).snapshotAt > 0 ? group.application(0) : group.application(1);
            long wall = joiner.endedWall - donor.snapshotWall;
            if (joiner.installed != size || joiner.checksum != donor.snapshotChecksum) {
                throw new IllegalStateException("installed " + joiner.installed + " bytes of " + size
                    + " or a different checksum");
            }
            long transfer = joiner.ended - donor.snapshotAt;
            System.out.printf("| %s | %.2f ms | %.2f ms | %.0f MB/s | %.0f ms | %.0f MB/s |%n", human(size),
                (joiner.firstDelivery - contact) / 1e6, transfer / 1e6, size / (transfer / 1e9) / 1e6, wall / 1e6,
                size / (wall / 1e9) / 1e6);
        }
    }

    private static void writer(StatefulGroup<Blob> group, UnsafeBuffer command, long[] sent) {
        group.scheduleAt(group.now() + 100_000, () -> {
            Member process = group.process(0);
            command.putLong(0, sent[0]);
            if (process.multicast(command, 0, 16) == SendResult.OK) {
                sent[0]++;
            }
            if (group.application(2) == null || group.application(2).firstDelivery == 0) {
                writer(group, command, sent);
            }
        });
    }

    private static String human(int size) {
        return size >= 1 << 20 ? (size >> 20) + " MiB" : size >= 1024 ? (size >> 10) + " KiB" : size + " B";
    }

    /** A state of opaque bytes in 1 MiB blocks; commands change nothing, so a snapshot is the blocks as they are. */
    static final class Blob implements MessageHandler, StateHandler {
        private static final int BLOCK = 1 << 20;
        private final StatefulGroup<Blob> group;
        private List<byte[]> blocks = new ArrayList<>();
        private long length;
        long snapshotChecksum;
        long snapshotAt;
        long snapshotWall;
        long begun;
        long ended;
        long begunWall;
        long endedWall;
        long firstDelivery;
        long installed;
        long checksum;

        Blob(StatefulGroup<Blob> group) {
            this.group = group;
        }

        void generate(int size) {
            blocks = new ArrayList<>();
            for (long at = 0; at < size; at += BLOCK) {
                byte[] block = new byte[(int) Math.min(BLOCK, size - at)];
                for (int i = 0; i < block.length; i++) {
                    block[i] = (byte) ((at + i) * 31 >>> 3);
                }
                blocks.add(block);
            }
            length = size;
        }

        @Override
        public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
            if (firstDelivery == 0) {
                firstDelivery = group.now();
            }
        }

        @Override
        public StateWriter snapshot() {
            snapshotAt = group.now();
            snapshotWall = System.nanoTime();
            List<byte[]> frozen = blocks;
            long total = length;
            snapshotChecksum = 0;
            for (byte[] block : frozen) {
                snapshotChecksum = mix(snapshotChecksum, block, 0, block.length);
            }
            return new StateWriter() {
                private long position;

                @Override
                public int write(MutableDirectBuffer buffer, int offset, int capacity) {
                    int n = (int) Math.min(capacity, total - position);
                    int written = 0;
                    while (written < n) {
                        byte[] block = frozen.get((int) (position / BLOCK));
                        int at = (int) (position % BLOCK);
                        int part = Math.min(n - written, block.length - at);
                        buffer.putBytes(offset + written, block, at, part);
                        written += part;
                        position += part;
                    }
                    return n;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void beginInstall() {
            begun = group.now();
            begunWall = System.nanoTime();
            blocks = new ArrayList<>();
            installed = 0;
        }

        @Override
        public void installChunk(DirectBuffer buffer, int offset, int chunk) {
            for (int done = 0; done < chunk; ) {
                if (installed % BLOCK == 0) {
                    blocks.add(new byte[BLOCK]);
                }
                byte[] block = blocks.get(blocks.size() - 1);
                int at = (int) (installed % BLOCK);
                int part = Math.min(chunk - done, BLOCK - at);
                buffer.getBytes(offset + done, block, at, part);
                done += part;
                installed += part;
            }
        }

        @Override
        public void endInstall() {
            if (installed == 0) {
                return;
            }
            ended = group.now();
            endedWall = System.nanoTime();
            length = installed;
            checksum = 0;
            for (int i = 0; i < blocks.size(); i++) {
                byte[] block = blocks.get(i);
                int used = (int) Math.min(BLOCK, installed - (long) i * BLOCK);
                checksum = mix(checksum, block, 0, used);
            }
        }

        @Override
        public void abortInstall() {
            blocks = new ArrayList<>();
        }

        private static long mix(long hash, byte[] bytes, int from, int to) {
            for (int i = from; i < to; i += 64) {
                hash = hash * 0x9E3779B97F4A7C15L + bytes[i];
            }
            return hash;
        }
    }
}
