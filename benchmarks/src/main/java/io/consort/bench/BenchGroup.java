package io.consort.bench;

import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.stacks.StackDescription;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * A group of members over an {@link InMemoryNetwork}, all driven by the calling thread with a {@link VirtualClock}:
 * the fixture shared by the throughput runner and the JMH benchmarks.
 *
 * <p>Every message carries its per-sender sequence number in its first 8 bytes; each member checks it on
 * delivery, so a benchmark also notices a lost, duplicated or reordered message. Nothing here allocates after
 * construction.
 *
 * <p>A stack with a membership layer ({@code gmp}, e.g. {@code vsync}) is built with {@link Member#join}: member
 * r is endpoint (r, 1) with every address as a seed, and the constructor drives the members until they share one
 * view of all of them and none is blocked. Ranks in that view need not be addresses, so messages are counted by
 * their origin's address; {@link #member(int)}, {@link #multicast} and {@link #send} take addresses.
 */
public final class BenchGroup implements AutoCloseable {
    public static final int MAX_PACKET_LENGTH = 1472;
    public static final int NETWORK_RING_BYTES = 4 << 20;
    public static final int FRAME_COUNT = 8192;
    public static final int EVENT_COUNT = 8192;
    public static final int MIN_APPLICATION_RING = 1 << 20;
    /** Group id of a group built with {@link Member#join}. */
    public static final int GROUP_ID = 0xBE4C;
    /** Virtual time a membership stack may take to form one view of everyone. */
    static final long FORMATION_LIMIT_NANOS = 60_000_000_000L;

    private final Member[] members;
    private final Receiver[] receivers;
    private final UnsafeBuffer[] payloads;
    private final long[] castsSent;
    private final long[][] sendsSent;
    private final VirtualClock clock = new VirtualClock();
    private final long tickNanos;
    private final int maxMessageLength;
    private final boolean dynamic;

    /**
     * @param size members in the group
     * @param maxMessageLength the largest message, which sizes the application ring and fragment reassembly
     * @param tickNanos how far the virtual clock moves per {@link #round()}
     * @param stack a stack name or description, e.g. {@code reliable-fifo}
     */
    public BenchGroup(int size, int maxMessageLength, long tickNanos, String stack) {
        this.tickNanos = tickNanos;
        this.maxMessageLength = Math.max(8, maxMessageLength);
        InMemoryNetwork network = new InMemoryNetwork(size, NETWORK_RING_BYTES, MAX_PACKET_LENGTH);
        StackDescription description = StackDescription.parse(stack);
        dynamic = description.layerNames().contains("gmp");
        members = new Member[size];
        receivers = new Receiver[size];
        payloads = new UnsafeBuffer[size];
        castsSent = new long[size];
        sendsSent = new long[size][size];
        int[] seeds = new int[size];
        for (int rank = 0; rank < size; rank++) {
            seeds[rank] = rank;
        }
        for (int rank = 0; rank < size; rank++) {
            int me = rank;
            receivers[rank] = new Receiver(size);
            if (dynamic) {
                members[rank] = Member.join(GROUP_ID, new Endpoint(rank, 1), seeds,
                    config(this.maxMessageLength).maxGroupSize(size), description::layers,
                    (frames, counters) -> network.transport(me, frames, counters), receivers[rank], clock);
            } else {
                members[rank] = Member.create(new View(1, rank, size), config(this.maxMessageLength),
                    description.layers(), (frames, counters) -> network.transport(me, frames, counters),
                    receivers[rank], clock);
            }
            payloads[rank] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(this.maxMessageLength, 64));
        }
        if (dynamic) {
            formOneView();
        }
    }

    /**
     * Drives the members until all share one view of everyone and none is blocked. Rounds that do no work jump
     * the clock to the next timer, so the merge periods pass quickly.
     */
    private void formOneView() {
        long limit = clock.nanoTime() + FORMATION_LIMIT_NANOS;
        while (!formed()) {
            if (clock.nanoTime() > limit) {
                StringBuilder views = new StringBuilder();
                for (Member member : members) {
                    views.append(' ').append(member.view()).append(member.agent().isBlocked() ? " blocked" : "");
                }
                throw new IllegalStateException("the members did not form one view within "
                    + FORMATION_LIMIT_NANOS / 1_000_000 + " ms of virtual time:" + views);
            }
            if (round() == 0) {
                long next = Long.MAX_VALUE;
                for (Member member : members) {
                    next = Math.min(next, member.agent().nextDeadline());
                }
                if (next != Long.MAX_VALUE && next > clock.nanoTime()) {
                    clock.advance(next - clock.nanoTime());
                }
            }
        }
    }

    /** True when every member is in the same view of all members and none is blocked. */
    public boolean formed() {
        View first = members[0].view();
        if (first.size() != members.length) {
            return false;
        }
        for (Member member : members) {
            if (!member.view().id().equals(first.id()) || member.agent().isBlocked()) {
                return false;
            }
        }
        return true;
    }

    /** True when the members were built with {@link Member#join} (the stack has a membership layer). */
    public boolean dynamic() {
        return dynamic;
    }

    /** Sizes that pass the member's start-up checks for any message up to {@code maxMessageLength}. */
    public static MemberConfig config(int maxMessageLength) {
        MemberConfig config = new MemberConfig()
            .frames(new FramePoolConfig().frameCount(FRAME_COUNT).leakDetection(LeakDetector.Level.OFF))
            .eventCount(EVENT_COUNT)
            .maxMessageLength(maxMessageLength);
        return config.applicationRingLength(Math.max(MIN_APPLICATION_RING, config.applicationRingLength()));
    }

    public int size() {
        return members.length;
    }

    public Member member(int rank) {
        return members[rank];
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** One duty cycle of every member, then the clock moves on; returns the work done. */
    public int round() {
        int work = 0;
        for (Member member : members) {
            work += member.agent().doWork();
        }
        clock.advance(tickNanos);
        return work;
    }

    /** Multicasts a {@code length}-byte message from {@code rank}, stamped with its sequence number. */
    public int multicast(int rank, int length) {
        UnsafeBuffer payload = payloads[rank];
        payload.putLong(0, castsSent[rank]);
        int result = members[rank].multicast(payload, 0, length);
        if (result == SendResult.OK) {
            castsSent[rank]++;
        }
        return result;
    }

    /** Sends a {@code length}-byte message from {@code rank} to the member at address {@code destination}. */
    public int send(int rank, int destination, int length) {
        UnsafeBuffer payload = payloads[rank];
        payload.putLong(0, sendsSent[rank][destination]);
        int result = members[rank].send(members[destination].endpoint(), payload, 0, length);
        if (result == SendResult.OK) {
            sendsSent[rank][destination]++;
        }
        return result;
    }

    /** Messages delivered at every member so far, casts and sends. */
    public long deliveries() {
        long total = 0;
        for (Receiver receiver : receivers) {
            total += receiver.deliveries;
        }
        return total;
    }

    public long deliveries(int rank) {
        return receivers[rank].deliveries;
    }

    public long castsSent() {
        long total = 0;
        for (long sent : castsSent) {
            total += sent;
        }
        return total;
    }

    /** Deliveries whose sequence number was not the one expected: lost, duplicated or out of order. */
    public long misordered() {
        long total = 0;
        for (Receiver receiver : receivers) {
            total += receiver.misordered;
        }
        return total;
    }

    /** Runs rounds until every message sent so far is delivered everywhere; false if that takes too long. */
    public boolean drain(long maxRounds) {
        for (long round = 0; round < maxRounds; round++) {
            if (allDelivered()) {
                return true;
            }
            round();
        }
        return allDelivered();
    }

    /** True when each member has delivered every cast and every send addressed to it, in order. */
    public boolean allDelivered() {
        for (int rank = 0; rank < members.length; rank++) {
            Receiver receiver = receivers[rank];
            for (int origin = 0; origin < members.length; origin++) {
                if (receiver.nextCast[origin] != castsSent[origin]
                    || receiver.nextSend[origin] != sendsSent[origin][rank]) {
                    return false;
                }
            }
        }
        return misordered() == 0;
    }

    /** Sum over all members of the counters whose label contains {@code text}, e.g. "retransmitted". */
    public long counterSum(String text) {
        long total = 0;
        for (Member member : members) {
            CountersReader reader = member.counters().reader();
            long[] sum = {0};
            reader.forEach((id, label) -> {
                if (label.contains(text)) {
                    sum[0] += reader.getCounterValue(id);
                }
            });
            total += sum[0];
        }
        return total;
    }

    /** Frames still held across the group (after {@link #close()}, anything but 0 is a leak). */
    public int framesInUse() {
        int total = 0;
        for (Member member : members) {
            total += member.frames().inUse();
        }
        return total;
    }

    @Override
    public void close() {
        for (Member member : members) {
            member.close();
        }
    }

    /** Counts and checks deliveries by the origin's address (its rank in the current view, translated). */
    private static final class Receiver implements MessageHandler {
        final long[] nextCast;
        final long[] nextSend;
        long deliveries;
        long misordered;
        View view;

        Receiver(int size) {
            nextCast = new long[size];
            nextSend = new long[size];
        }

        @Override
        public void onView(View installed) {
            view = installed;
        }

        @Override
        public void onMessage(int kind, int rank, DirectBuffer buffer, int offset, int length) {
            int origin = view.member(rank).address();
            long[] next = kind == CAST ? nextCast : nextSend;
            long seqno = buffer.getLong(offset);
            if (seqno != next[origin]) {
                misordered++;
            }
            next[origin] = seqno + 1;
            deliveries++;
        }
    }
}
