package io.consort.sim.membership;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.sim.group.VirtualTimeDriver;
import io.consort.sim.net.SimNetwork;
import io.consort.stacks.StackDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Processes that come and go over one {@link SimNetwork}: each address of the network may run one process at a
 * time, which joins the group through {@link Member#join} with every address as a seed. Processes start, crash,
 * restart as new incarnations, leave and pause (stop running, as a long garbage collection would) on a schedule;
 * meanwhile each running process multicasts and sends numbered, self-checking messages. Every process's history
 * goes to a {@link VsyncChecker}. Driven from the calling thread, deterministically, like
 * {@link io.consort.sim.group.SimGroup}.
 */
public final class DynamicGroup extends VirtualTimeDriver implements AutoCloseable {
    public static final int GROUP_ID = 0x7653;
    /** Rounds one run may take: far above any real run, so a livelock fails with a dump instead of hanging. */
    private static final long MAX_ROUNDS = 20_000_000;

    private final StackDescription stack;
    private final MemberConfig config;
    private final VsyncChecker checker = new VsyncChecker();
    private final SplittableRandom random;
    private final int[] seeds;
    private final Member[] processes;
    private final History[] histories;
    private final int[] incarnations;
    private final long[] pausedUntil;
    private final long[] nextCast;
    private final long[][] sendsTo;
    private final PriorityQueue<Action> actions = new PriorityQueue<>();
    private final UnsafeBuffer scratch;
    private final int maxLength;
    private long castEveryNanos;
    private long trafficUntil;
    private long actionCount;
    private long backPressured;
    private long rounds;
    private long excluded;

    /**
     * @param stack a stack with membership layers, e.g. {@code vsync}
     * @param maxLength the largest message the workload sends (at least {@link Recorder#HEADER})
     */
    public DynamicGroup(SimNetwork network, String stack, MemberConfig config, long seed, int maxLength) {
        super(network);
        this.stack = StackDescription.parse(stack);
        this.config = config;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int addresses = network.size();
        this.seeds = new int[addresses];
        for (int address = 0; address < addresses; address++) {
            seeds[address] = address;
        }
        this.processes = new Member[addresses];
        this.histories = new History[addresses];
        this.incarnations = new int[addresses];
        this.pausedUntil = new long[addresses];
        this.nextCast = new long[addresses];
        this.sendsTo = new long[addresses][];
        this.maxLength = Math.max(Recorder.HEADER, maxLength);
        this.scratch = new UnsafeBuffer(new byte[this.maxLength]);
    }

    /** Each running process multicasts one message every {@code castEvery} until {@code until}, and some sends. */
    public void traffic(long castEveryNanos, long until) {
        this.castEveryNanos = castEveryNanos;
        this.trafficUntil = until;
    }

    public void startAt(long at, int address) {
        schedule(at, () -> start(address));
    }

    public void crashAt(long at, int address) {
        schedule(at, () -> crash(address));
    }

    public void leaveAt(long at, int address) {
        schedule(at, () -> {
            if (processes[address] != null) {
                processes[address].leave();
            }
        });
    }

    public void pauseAt(long at, int address, long nanos) {
        schedule(at, () -> pausedUntil[address] = Math.max(pausedUntil[address], at + nanos));
    }

    public void scheduleAt(long at, Runnable action) {
        schedule(at, action);
    }

    private void schedule(long at, Runnable action) {
        actions.add(new Action(Math.max(at, now()), actionCount++, action));
    }

    /** Starts a process at {@code address}, as a new incarnation if one ran there before. */
    public void start(int address) {
        if (processes[address] != null) {
            return;
        }
        if (network.isCrashed(address)) {
            network.recover(address);
        }
        Endpoint self = new Endpoint(address, ++incarnations[address]);
        History[] history = new History[1];
        Recorder recorder = checker.record(self, history);
        histories[address] = history[0];
        processes[address] = Member.join(GROUP_ID, self, seeds, config, stack::layers,
            network.transportFactory(address), recorder, network.clock());
        sendsTo[address] = new long[network.size() * 64];
        pausedUntil[address] = 0;
        nextCast[address] = now();
    }

    /** Stops the process at {@code address} at once, as {@code kill -9} would. */
    public void crash(int address) {
        Member process = processes[address];
        if (process == null) {
            return;
        }
        histories[address].crashed = true;
        processes[address] = null;
        process.close();
    }

    public Member process(int address) {
        return processes[address];
    }

    /** Processes that found themselves excluded and came back as a new incarnation. */
    public long excluded() {
        return excluded;
    }

    /** Offers the workload made that a process did not take (back-pressure, blocked, leaving). */
    public long backPressured() {
        return backPressured;
    }

    public VsyncChecker checker() {
        return checker;
    }

    /** The histories of the processes still running and in the group (not crashed, not left). */
    public List<History> live() {
        List<History> live = new ArrayList<>();
        for (int address = 0; address < processes.length; address++) {
            if (processes[address] != null && !processes[address].hasLeft()) {
                live.add(histories[address]);
            }
        }
        return live;
    }

    /** True when the live processes share one view of exactly them (and none is still due to start). */
    public boolean converged() {
        List<History> live = live();
        if (live.isEmpty()) {
            return actions.isEmpty();
        }
        View common = processes[live.get(0).process.address()].view();
        if (common.size() != live.size()) {
            return false;
        }
        for (History history : live) {
            Member process = processes[history.process.address()];
            if (!process.view().id().equals(common.id()) || process.agent().isBlocked()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int round() {
        if (++rounds > MAX_ROUNDS) {
            throw new IllegalStateException("the simulation took " + MAX_ROUNDS + " rounds without finishing: a"
                + " livelock; counters that move in 100 more rounds:\n" + moving(100) + dump());
        }
        return runRound();
    }

    private int runRound() {
        long now = now();
        while (!actions.isEmpty() && actions.peek().at <= now) {
            actions.poll().action.run();
        }
        int work = 0;
        for (int address = 0; address < processes.length; address++) {
            Member process = processes[address];
            if (process == null || now < pausedUntil[address]) {
                continue;
            }
            if (process.hasLeft()) {
                processes[address] = null;
                process.close();
                if (process.wasExcluded()) {
                    histories[address].crashed = true;
                    excluded++;
                    start(address);
                } else {
                    histories[address].left = true;
                }
                continue;
            }
            offer(address, process, now);
            work += process.agent().doWork();
        }
        return work;
    }

    private void offer(int address, Member process, long now) {
        if (castEveryNanos <= 0 || now >= trafficUntil || now < nextCast[address]) {
            return;
        }
        History history = histories[address];
        int length = Recorder.HEADER + random.nextInt(maxLength - Recorder.HEADER + 1);
        Recorder.fill(scratch, history.process, history.castsOffered, length);
        int result = process.multicast(scratch, 0, length);
        if (result == SendResult.OK) {
            history.castsOffered++;
            nextCast[address] += castEveryNanos;
        } else {
            backPressured++;
            nextCast[address] = result == SendResult.LEAVING ? Long.MAX_VALUE : now + castEveryNanos;
        }
        View view = process.view();
        if (view.size() > 1 && random.nextInt(4) == 0) {
            int rank = random.nextInt(view.size());
            Endpoint to = view.member(rank);
            if (rank != view.rank() && to.address() < network.size()) {
                int slot = to.address() * 64 + (to.incarnation() & 63);
                Recorder.fill(scratch, history.process, sendsTo[address][slot], Recorder.HEADER);
                if (process.send(to, scratch, 0, Recorder.HEADER) == SendResult.OK) {
                    sendsTo[address][slot]++;
                }
            }
        }
    }

    @Override
    protected long nextDue(long now) {
        long next = actions.isEmpty() ? SimNetwork.NEVER : actions.peek().at;
        for (int address = 0; address < processes.length; address++) {
            Member process = processes[address];
            if (process == null) {
                continue;
            }
            if (now < pausedUntil[address]) {
                next = Math.min(next, pausedUntil[address]);
                continue;
            }
            next = Math.min(next, process.agent().nextDeadline());
            if (castEveryNanos > 0 && now < trafficUntil && nextCast[address] < trafficUntil) {
                next = Math.min(next, Math.max(nextCast[address], now + 1));
            }
        }
        return next;
    }

    /** The counters of running processes that change over {@code rounds} rounds, for diagnosing a livelock. */
    private String moving(int rounds) {
        String[] before = new String[processes.length];
        for (int address = 0; address < processes.length; address++) {
            before[address] = processes[address] == null ? "" : processes[address].counters().dump();
        }
        for (int i = 0; i < rounds; i++) {
            runRound();
        }
        StringBuilder out = new StringBuilder();
        for (int address = 0; address < processes.length; address++) {
            if (processes[address] == null) {
                continue;
            }
            java.util.Set<String> old = new java.util.HashSet<>(java.util.Arrays.asList(before[address].split("\n")));
            for (String line : processes[address].counters().dump().split("\n")) {
                if (!old.contains(line)) {
                    out.append("  ").append(line).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** Every running process's view, counters and layers, for failure messages. */
    public String dump() {
        StringBuilder out = new StringBuilder("t=").append(now()).append(" rounds=").append(rounds)
            .append(" next arrival ").append(network.nextDeliveryTime()).append(" next fault ")
            .append(network.nextFaultTime()).append(" next action ").append(actions.isEmpty() ? -1 : actions.peek().at)
            .append('\n');
        for (Member process : processes) {
            if (process == null) {
                continue;
            }
            out.append(process.endpoint()).append(' ').append(process.view()).append(process.agent().isBlocked()
                ? " blocked" : "").append(" next timer ").append(process.agent().nextDeadline()).append('\n');
            for (int i = 0; i < process.agent().stack().size(); i++) {
                out.append("  ").append(process.agent().stack().layer(i).dump()).append('\n');
            }
            for (String line : process.counters().dump().split("\n")) {
                if (!line.endsWith(" = 0") && (line.contains("dropped") || line.contains("violation")
                    || line.contains("flush") || line.contains("views") || line.contains("merge"))) {
                    out.append("    ").append(line).append('\n');
                }
            }
        }
        for (History history : checker.histories()) {
            out.append(history);
        }
        return out.toString();
    }

    @Override
    public void close() {
        for (int address = 0; address < processes.length; address++) {
            if (processes[address] != null) {
                processes[address].close();
                processes[address] = null;
            }
        }
        network.close();
    }

    private static final class Action implements Comparable<Action> {
        final long at;
        final long order;
        final Runnable action;

        Action(long at, long order, Runnable action) {
            this.at = at;
            this.order = order;
            this.action = action;
        }

        @Override
        public int compareTo(Action other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
