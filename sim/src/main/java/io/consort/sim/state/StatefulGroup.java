package io.consort.sim.state;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.StateHandler;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.layers.state.Xfer;
import io.consort.sim.group.VirtualTimeDriver;
import io.consort.sim.net.SimNetwork;
import io.consort.stacks.StackDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Processes with application state over one {@link SimNetwork}: each address runs at most one process at a time,
 * whose handler (a {@link StateHandler} too) comes from a factory, so state transfer runs as it would for real.
 * Processes start, crash and restart on a schedule; the caller drives the workload through {@link #process} and
 * {@link #application}. Deterministic, from the calling thread.
 */
public final class StatefulGroup<A extends MessageHandler & StateHandler> extends VirtualTimeDriver
    implements AutoCloseable {
    public static final int GROUP_ID = 0x5746;
    private static final long MAX_ROUNDS = 20_000_000;

    private final StackDescription stack;
    private final MemberConfig config;
    private final BiFunction<Endpoint, StatefulGroup<A>, A> applications;
    private final int[] seeds;
    private final Member[] processes;
    private final List<A> apps = new ArrayList<>();
    private final int[] incarnations;
    private final PriorityQueue<Action> actions = new PriorityQueue<>();
    private long actionCount;
    private long rounds;
    private long excluded;
    private BiConsumer<A, Member> started = (app, member) -> { };

    /** @param applications makes the handler of a process that starts as the given endpoint */
    public StatefulGroup(SimNetwork network, String stack, MemberConfig config,
                         BiFunction<Endpoint, StatefulGroup<A>, A> applications) {
        super(network);
        this.stack = StackDescription.parse(stack);
        this.config = config;
        this.applications = applications;
        int addresses = network.size();
        this.seeds = new int[addresses];
        for (int address = 0; address < addresses; address++) {
            seeds[address] = address;
            apps.add(null);
        }
        this.processes = new Member[addresses];
        this.incarnations = new int[addresses];
    }

    /** Called with each process's handler and member once built (to bind an application to its member). */
    public StatefulGroup<A> onStart(BiConsumer<A, Member> hook) {
        this.started = hook;
        return this;
    }

    public void startAt(long at, int address) {
        scheduleAt(at, () -> start(address));
    }

    public void crashAt(long at, int address) {
        scheduleAt(at, () -> crash(address));
    }

    public void scheduleAt(long at, Runnable action) {
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
        A app = applications.apply(self, this);
        apps.set(address, app);
        processes[address] = Member.join(GROUP_ID, self, seeds, config, stack::layers,
            network.transportFactory(address), app, network.clock());
        started.accept(app, processes[address]);
    }

    /** Stops the process at {@code address} at once, as {@code kill -9} would. */
    public void crash(int address) {
        Member process = processes[address];
        if (process != null) {
            processes[address] = null;
            process.close();
        }
    }

    public Member process(int address) {
        return processes[address];
    }

    /** The handler of the process running at {@code address}, or of the last one that ran there. */
    public A application(int address) {
        return apps.get(address);
    }

    /** The xfer layer of the running process at {@code address}'s current stack. */
    public Xfer xfer(int address) {
        Member process = processes[address];
        for (int i = 0; i < process.agent().stack().size(); i++) {
            Layer layer = process.agent().stack().layer(i);
            if (layer instanceof Xfer) {
                return (Xfer) layer;
            }
        }
        throw new IllegalStateException("stack " + stack + " has no xfer layer");
    }

    public long excluded() {
        return excluded;
    }

    /** Addresses running a process. */
    public List<Integer> running() {
        List<Integer> running = new ArrayList<>();
        for (int address = 0; address < processes.length; address++) {
            if (processes[address] != null) {
                running.add(address);
            }
        }
        return running;
    }

    /** True when the running processes share one view of exactly them, none blocked and none due to start. */
    public boolean converged() {
        List<Integer> running = running();
        if (running.isEmpty()) {
            return actions.isEmpty();
        }
        View common = processes[running.get(0)].view();
        if (common.size() != running.size()) {
            return false;
        }
        for (int address : running) {
            Member process = processes[address];
            if (!process.view().id().equals(common.id()) || process.agent().isBlocked()) {
                return false;
            }
        }
        return true;
    }

    /** {@link #converged()} and every process settled with a state. */
    public boolean settled() {
        if (!converged()) {
            return false;
        }
        for (int address : running()) {
            if (!xfer(address).settled()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int round() {
        if (++rounds > MAX_ROUNDS) {
            throw new IllegalStateException("the simulation took " + MAX_ROUNDS + " rounds: a livelock\n" + dump());
        }
        long now = now();
        while (!actions.isEmpty() && actions.peek().at <= now) {
            actions.poll().action.run();
        }
        int work = 0;
        for (int address = 0; address < processes.length; address++) {
            Member process = processes[address];
            if (process == null) {
                continue;
            }
            if (process.hasLeft()) {
                processes[address] = null;
                process.close();
                if (process.wasExcluded()) {
                    excluded++;
                    start(address);
                }
                continue;
            }
            work += process.agent().doWork();
        }
        return work;
    }

    @Override
    protected long nextDue(long now) {
        long next = actions.isEmpty() ? SimNetwork.NEVER : actions.peek().at;
        for (Member process : processes) {
            if (process != null) {
                next = Math.min(next, process.agent().nextDeadline());
            }
        }
        return next;
    }

    /** Every running process's view, layers and non-zero xfer counters, for failure messages. */
    public String dump() {
        StringBuilder out = new StringBuilder("t=").append(now()).append(" rounds=").append(rounds).append('\n');
        for (Member process : processes) {
            if (process == null) {
                continue;
            }
            out.append(process.endpoint()).append(' ').append(process.view())
                .append(process.agent().isBlocked() ? " blocked" : "").append('\n');
            for (int i = 0; i < process.agent().stack().size(); i++) {
                out.append("  ").append(process.agent().stack().layer(i).dump()).append('\n');
            }
            for (String line : process.counters().dump().split("\n")) {
                if (!line.endsWith(" = 0") && (line.contains("xfer") || line.contains("views"))) {
                    out.append("    ").append(line).append('\n');
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        for (int address = 0; address < processes.length; address++) {
            crash(address);
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
