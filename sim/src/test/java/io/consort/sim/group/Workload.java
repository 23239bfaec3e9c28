package io.consort.sim.group;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.testsupport.Traffic;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The application side of a simulated run: every member multicasts its casts and sends its point-to-point
 * messages (to every other member) as fast as its member accepts them, messages drawn from {@link Traffic}.
 * Counts how often a member pushed back.
 */
public final class Workload implements Runnable {
    private final SimGroup group;
    private final Traffic traffic;
    private final long casts;
    private final long sends;
    private final long[] castsOffered;
    private final long[][] sendsOffered;
    private final long[] backPressured;
    private final UnsafeBuffer scratch;

    /**
     * @param casts multicasts each member makes
     * @param sends point-to-point messages each member sends to each other member
     */
    public Workload(SimGroup group, Traffic traffic, long casts, long sends) {
        this.group = group;
        this.traffic = traffic;
        this.casts = casts;
        this.sends = sends;
        this.castsOffered = new long[group.size()];
        this.sendsOffered = new long[group.size()][group.size()];
        this.backPressured = new long[group.size()];
        this.scratch = new UnsafeBuffer(new byte[traffic.maxLength()]);
    }

    /** Offers each live member's next messages until it pushes back or has offered them all. */
    @Override
    public void run() {
        for (int rank = 0; rank < group.size(); rank++) {
            if (!group.network().isCrashed(rank)) {
                offer(rank);
            }
        }
    }

    private void offer(int rank) {
        Member member = group.member(rank);
        while (castsOffered[rank] < casts) {
            long k = castsOffered[rank];
            int length = traffic.length(rank, Traffic.CAST, k);
            traffic.fill(scratch, 0, rank, Traffic.CAST, k, length);
            if (member.multicast(scratch, 0, length) != SendResult.OK) {
                backPressured[rank]++;
                break;
            }
            castsOffered[rank]++;
        }
        for (int destination = 0; destination < group.size(); destination++) {
            if (destination == rank) {
                continue;
            }
            while (sendsOffered[rank][destination] < sends) {
                long k = sendsOffered[rank][destination];
                int length = traffic.length(rank, destination, k);
                traffic.fill(scratch, 0, rank, destination, k, length);
                if (member.send(destination, scratch, 0, length) != SendResult.OK) {
                    backPressured[rank]++;
                    break;
                }
                sendsOffered[rank][destination]++;
            }
        }
    }

    public long castsOffered(int rank) {
        return castsOffered[rank];
    }

    public long sendsOffered(int rank, int destination) {
        return sendsOffered[rank][destination];
    }

    public long backPressured(int rank) {
        return backPressured[rank];
    }

    public long casts() {
        return casts;
    }

    public long sends() {
        return sends;
    }
}
