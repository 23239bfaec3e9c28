package io.consort.bench;

import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
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
 */
public final class BenchGroup implements AutoCloseable {
    public static final int MAX_PACKET_LENGTH = 1472;
    public static final int NETWORK_RING_BYTES = 4 << 20;
    public static final int FRAME_COUNT = 8192;
    public static final int EVENT_COUNT = 8192;
    public static final int MIN_APPLICATION_RING = 1 << 20;

    private final Member[] members;
    private final Receiver[] receivers;
    private final UnsafeBuffer[] payloads;
    private final long[] castsSent;
    private final long[][] sendsSent;
    private final VirtualClock clock = new VirtualClock();
    private final long tickNanos;
    private final int maxMessageLength;

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
        members = new Member[size];
        receivers = new Receiver[size];
        payloads = new UnsafeBuffer[size];
        castsSent = new long[size];
        sendsSent = new long[size][size];
        for (int rank = 0; rank < size; rank++) {
            int me = rank;
            receivers[rank] = new Receiver(size);
            members[rank] = Member.create(new View(1, rank, size), config(this.maxMessageLength),
                description.layers(), (frames, counters) -> network.transport(me, frames, counters),
                receivers[rank], clock);
            payloads[rank] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(this.maxMessageLength, 64));
        }
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

    /** Sends a {@code length}-byte message from {@code rank} to {@code destination}. */
    public int send(int rank, int destination, int length) {
        UnsafeBuffer payload = payloads[rank];
        payload.putLong(0, sendsSent[rank][destination]);
        int result = members[rank].send(destination, payload, 0, length);
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

    private static final class Receiver implements MessageHandler {
        final long[] nextCast;
        final long[] nextSend;
        long deliveries;
        long misordered;

        Receiver(int size) {
            nextCast = new long[size];
            nextSend = new long[size];
        }

        @Override
        public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
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
