package io.consort.sim.group;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.sim.net.SimNetwork;
import io.consort.stacks.StackDescription;
import java.util.function.IntFunction;

/**
 * A group of members over one {@link SimNetwork}, driven from the calling thread in INVOKER style: every live
 * member's duty cycle runs in rank order, and when none has work the virtual clock jumps to the next packet
 * arrival, scheduled fault or layer timer. Nothing depends on the wall clock, so a run is a function of the
 * network's seed and the calls made.
 */
public final class SimGroup extends VirtualTimeDriver implements AutoCloseable {
    public static final int GROUP_ID = 0x5EED;

    private final Member[] members;
    private final int[] driveEvery;
    private Runnable beforeRound = () -> { };
    private long rounds;

    /**
     * @param stack a stack description or name, e.g. {@code "reliable-fifo"}
     * @param handlers the message handler of each rank
     */
    public SimGroup(SimNetwork network, String stack, MemberConfig config, IntFunction<MessageHandler> handlers) {
        super(network);
        this.members = new Member[network.size()];
        this.driveEvery = new int[network.size()];
        StackDescription description = StackDescription.parse(stack);
        for (int rank = 0; rank < members.length; rank++) {
            members[rank] = Member.create(new View(GROUP_ID, rank, members.length), config, description.layers(),
                network.transportFactory(rank), handlers.apply(rank), network.clock());
            driveEvery[rank] = 1;
        }
    }

    public Member member(int rank) {
        return members[rank];
    }

    public int size() {
        return members.length;
    }

    /** Makes member {@code rank} slow: its duty cycle runs only every {@code rounds}-th round. */
    public void slowDown(int rank, int rounds) {
        driveEvery[rank] = Math.max(1, rounds);
    }

    /** Runs before every round: where a workload offers the application's next messages. */
    public void beforeRound(Runnable action) {
        beforeRound = action;
    }

    @Override
    public int round() {
        beforeRound.run();
        rounds++;
        int work = 0;
        for (int rank = 0; rank < members.length; rank++) {
            if (!network.isCrashed(rank) && rounds % driveEvery[rank] == 0) {
                work += members[rank].agent().doWork();
            }
        }
        return work;
    }

    @Override
    protected long nextDue(long now) {
        long next = SimNetwork.NEVER;
        for (int rank = 0; rank < members.length; rank++) {
            if (!network.isCrashed(rank)) {
                next = Math.min(next, members[rank].agent().nextDeadline());
            }
        }
        return next;
    }

    /** Every member's counters, for failure messages. */
    public String dump() {
        StringBuilder out = new StringBuilder();
        for (Member member : members) {
            out.append(member.counters().dump());
            out.append(member.agent().stack()).append('\n');
            for (int i = 0; i < member.agent().stack().size(); i++) {
                out.append("  ").append(member.agent().stack().layer(i).dump()).append('\n');
            }
        }
        return out.toString();
    }

    /** Closes every member (returning all their frames) and the network. */
    @Override
    public void close() {
        for (Member member : members) {
            member.close();
        }
        network.close();
    }
}
