package io.consort.sim.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.wire.BottomHeader;
import io.consort.layers.wire.WireIds;
import io.consort.sim.net.LinkConfig;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Garbage thrown at members while they work — random bytes, truncated and mis-addressed packets, foreign groups
 * and stacks, unknown header bits, impossible sequence numbers and gossip — is counted and dropped; the members
 * keep working, deliver everything exactly once and intact, and lose no frame.
 *
 * <p>Packets that are well formed in every field cannot be told from a member's own without authentication, so
 * none are generated: Consort assumes members do not forge.
 */
class GarbageProperties {

    @Property(tries = 30)
    void garbageIsDroppedAndNothingIsLost(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int members,
                                          @ForAll @IntRange(min = 50, max = 2000) int packets) {
        LinkConfig link = new LinkConfig().loss(0.05).duplicate(0.05).delay(10_000, 50_000);
        try (GroupRun run = new GroupRun(seed, members, link, 1, 3000, 100, 30, 64)) {
            int fingerprint = run.group.member(0).agent().stack().fingerprint();
            SplittableRandom random = new SplittableRandom(seed);
            long start = run.group.now();
            for (int i = 0; i < packets; i++) {
                byte[] bytes = Garbage.packet(random, members, SimGroup.GROUP_ID, fingerprint);
                int destination = random.nextInt(members);
                int source = random.nextInt(members + 1) - 1;
                run.network.inject(destination, source, bytes,
                    start + random.nextLong(50_000_000));
            }
            run.assertComplete(run.runToCompletion(300 * GroupRun.SECOND));
            long dropped = 0;
            for (int rank = 0; rank < members; rank++) {
                dropped += Garbage.droppedByMember(run.group.member(rank).counters());
            }
            long total = dropped;
            assertTrue(total > 0, () -> "seed " + seed + ": " + packets + " garbage packets, none counted as dropped");
        }
    }

    /**
     * A packet correct in every field but one: it claims to be a reliable cast (or send) and omits the header of
     * the layer that sequences those. Each one is counted under its own reason and dropped; none reaches the
     * application as a message nobody sent, and the real traffic completes.
     */
    @Property(tries = 20)
    void reliableMessagesWithoutTheirHeaderAreCountedAndDropped(@ForAll long seed,
                                                                 @ForAll @IntRange(min = 2, max = 4) int members,
                                                                 @ForAll @IntRange(min = 1, max = 300) int packets) {
        try (GroupRun run = new GroupRun(seed, members, new LinkConfig().delay(10_000, 50_000), 1, 3000, 100, 30,
            64)) {
            int fingerprint = run.group.member(0).agent().stack().fingerprint();
            SplittableRandom random = new SplittableRandom(seed);
            long start = run.group.now();
            for (int i = 0; i < packets; i++) {
                int destination = random.nextInt(members);
                int source = (destination + 1 + random.nextInt(members - 1)) % members;
                byte[] bytes = new byte[BottomHeader.LENGTH + 1 + random.nextInt(64)];
                random.nextBytes(bytes);
                byte kind = random.nextBoolean() ? WireIds.KIND_CAST : WireIds.KIND_SEND;
                BottomHeader.write(new UnsafeBuffer(bytes), 0, kind, source, 0, bytes.length, SimGroup.GROUP_ID,
                    fingerprint, 0, 0);
                run.network.inject(destination, source, bytes, start + i * 100_000L);
            }
            run.assertComplete(run.runToCompletion(300 * GroupRun.SECOND));
            run.group.runFor(100_000_000L);
            run.assertSafe();
            long counted = 0;
            for (int rank = 0; rank < members; rank++) {
                counted += run.group.member(rank).counters().value("mnak dropped reliable cast without header")
                    + run.group.member(rank).counters().value("pt2pt dropped reliable send without header");
            }
            assertEquals(packets, counted, () -> "seed " + seed + "\n" + run.group.dump());
        }
    }

    /** Kinds of bad packet. */
    static final class Garbage {
        private Garbage() {
        }

        static byte[] packet(SplittableRandom random, int members, int group, int fingerprint) {
            int kind = random.nextInt(9);
            if (kind == 0) {
                byte[] bytes = new byte[random.nextInt(1600)];
                random.nextBytes(bytes);
                return bytes;
            }
            int bodyLength = random.nextInt(64);
            byte[] bytes = new byte[BottomHeader.LENGTH + 6 + bodyLength];
            random.nextBytes(bytes);
            UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            int source = random.nextInt(members);
            byte wireKind = random.nextBoolean() ? WireIds.KIND_CAST : WireIds.KIND_SEND;
            int headerBits = 0;
            int length = bytes.length;
            int packetGroup = group;
            int packetFingerprint = fingerprint;
            switch (kind) {
                case 1: length = bytes.length + 1 + random.nextInt(100); break;
                case 2: packetGroup = group + 1 + random.nextInt(1000); break;
                case 3: packetFingerprint = fingerprint ^ (1 + random.nextInt()); break;
                case 4: source = members + random.nextInt(255 - members + 1); break;
                case 5: headerBits = 1 << (7 + random.nextInt(9)); break;
                case 6: headerBits = mnakBit(); bytes[BottomHeader.LENGTH] = WireIds.MNAK_DATA;
                    buffer.putInt(BottomHeader.LENGTH + 1, (1 << 20) + random.nextInt(1 << 29), WireIds.ORDER);
                    wireKind = WireIds.KIND_CAST;
                    break;
                case 7: headerBits = pt2ptBit(); bytes[BottomHeader.LENGTH] = WireIds.PT2PT_DATA;
                    buffer.putInt(BottomHeader.LENGTH + 1, -(1 + random.nextInt(1 << 29)), WireIds.ORDER);
                    wireKind = WireIds.KIND_SEND;
                    break;
                default: headerBits = stableBit(); wireKind = WireIds.KIND_CAST | WireIds.KIND_UNRELIABLE;
                    bytes[BottomHeader.LENGTH] = WireIds.STABLE_GOSSIP;
                    break;
            }
            BottomHeader.write(buffer, 0, wireKind, source, headerBits, length, packetGroup, packetFingerprint,
                0, 0);
            if (kind == 1) {
                byte[] truncated = new byte[bytes.length - 1 - random.nextInt(bytes.length - 1)];
                System.arraycopy(bytes, 0, truncated, 0, truncated.length);
                buffer.putShort(BottomHeader.LENGTH_OFFSET, (short) bytes.length, WireIds.ORDER);
                return truncated;
            }
            return bytes;
        }

        /** Stack indices of reliable-fifo, bottom first: bottom, mnak, pt2pt, stable, flow, frag, top. */
        static int mnakBit() {
            return 1 << 1;
        }

        static int pt2ptBit() {
            return 1 << 2;
        }

        static int stableBit() {
            return 1 << 3;
        }

        static long droppedByMember(io.consort.layers.runtime.CounterSet counters) {
            long sum = 0;
            String[] names = {"bottom dropped truncated", "bottom dropped foreign", "bottom dropped bad source",
                "bottom dropped unknown headers", "bottom dropped other view", "mnak dropped out of window",
                "mnak dropped truncated", "mnak dropped bad origin", "mnak dropped reliable cast without header",
                "pt2pt dropped out of window", "pt2pt dropped truncated", "pt2pt dropped reliable send without header",
                "stable dropped truncated", "stable dropped impossible counts", "frag dropped malformed"};
            for (String name : names) {
                sum += Math.max(0, counters.value(name));
            }
            return sum;
        }
    }
}
