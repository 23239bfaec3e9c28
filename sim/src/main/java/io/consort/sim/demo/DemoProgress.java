package io.consort.sim.demo;

import io.consort.layers.api.Member;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import io.consort.sim.membership.DynamicGroup;
import io.consort.sim.membership.History;
import io.consort.sim.net.DropReason;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Runs the demo's group and prints what it does: each view the first time a process installs it, the demo's own
 * actions, and a line per interval of virtual time. Views are seen by polling every process after each simulation
 * step, so the group needs no hook for the demo.
 */
final class DemoProgress {
    private static final long MILLI = 1_000_000;

    private final DynamicGroup group;
    private final PrintStream out;
    private final long intervalNanos;
    private final ViewId[] seen;
    private final Set<ViewId> announced = new HashSet<>();
    private long nextReport;
    /** Counters of processes the demo crashed: a closed member's counters go with it. */
    private long retiredRetransmitted;
    private long retiredDuplicates;

    DemoProgress(DynamicGroup group, PrintStream out, long intervalNanos) {
        this.group = group;
        this.out = out;
        this.intervalNanos = intervalNanos;
        this.seen = new ViewId[group.network().size()];
        this.nextReport = group.now() + intervalNanos;
    }

    void header() {
        out.printf("%8s  %-15s %-13s %-9s %-10s %s%n", "time", "casts delivered", "retransmitted", "net drops",
            "duplicates", "views held (id [members])");
    }

    void event(String what) {
        out.printf("%7.3fs  ** %s%n", group.now() / 1e9, what);
    }

    /** Crashes the process at {@code address}, keeping its counters in the totals. */
    void crash(int address) {
        Member process = group.process(address);
        retiredRetransmitted += retransmitted(process.counters());
        retiredDuplicates += duplicates(process.counters());
        event("crash " + process.endpoint());
        group.crash(address);
    }

    /** Runs until {@code done} holds or {@code nanos} of virtual time pass, reporting; returns whether it held. */
    boolean await(BooleanSupplier done, long nanos) {
        long deadline = group.now() + nanos;
        BooleanSupplier watched = () -> {
            noticeViews();
            return done.getAsBoolean();
        };
        while (true) {
            while (group.now() >= nextReport) {
                report();
                nextReport += intervalNanos;
            }
            if (watched.getAsBoolean()) {
                return true;
            }
            long now = group.now();
            if (now >= deadline) {
                return false;
            }
            group.runUntil(watched, Math.min(nextReport, deadline) - now);
        }
    }

    void runFor(long nanos) {
        await(() -> false, nanos);
    }

    private void noticeViews() {
        for (int address = 0; address < seen.length; address++) {
            Member process = group.process(address);
            if (process == null) {
                continue;
            }
            View view = process.view();
            if (!view.id().equals(seen[address])) {
                seen[address] = view.id();
                if (announced.add(view.id())) {
                    out.printf("%7.3fs  view %s %s installed, first by %s%n", group.now() / 1e9, view.id(),
                        members(view.members()), process.endpoint());
                }
            }
        }
    }

    private void report() {
        long delivered = 0;
        for (History history : group.checker().histories()) {
            for (History.Installed installed : history.views) {
                delivered += installed.casts.size();
            }
        }
        long retransmitted = retiredRetransmitted;
        long duplicates = retiredDuplicates;
        for (int address = 0; address < seen.length; address++) {
            Member process = group.process(address);
            if (process != null) {
                retransmitted += retransmitted(process.counters());
                duplicates += duplicates(process.counters());
            }
        }
        long dropped = 0;
        for (DropReason reason : DropReason.values()) {
            dropped += group.network().dropped(reason);
        }
        out.printf("%7.3fs  %-15d %-13d %-9d %-10d %s%n", group.now() / 1e9, delivered, retransmitted, dropped,
            duplicates, viewsHeld());
    }

    /** Each view some process holds, with who holds it when that is not all its members; then who is down. */
    private String viewsHeld() {
        Map<ViewId, View> views = new LinkedHashMap<>();
        Map<ViewId, List<Endpoint>> holders = new LinkedHashMap<>();
        List<Integer> down = new ArrayList<>();
        for (int address = 0; address < seen.length; address++) {
            Member process = group.process(address);
            if (process == null) {
                down.add(address);
                continue;
            }
            View view = process.view();
            views.putIfAbsent(view.id(), view);
            holders.computeIfAbsent(view.id(), id -> new ArrayList<>()).add(process.endpoint());
        }
        StringBuilder line = new StringBuilder();
        for (View view : views.values()) {
            List<Endpoint> by = holders.get(view.id());
            line.append(line.length() == 0 ? "" : "  |  ").append(view.id()).append(' ').append(members(view.members()));
            if (by.size() != view.size()) {
                line.append(" at ").append(members(by.toArray(new Endpoint[0])));
            }
        }
        if (!down.isEmpty()) {
            line.append("  |  down: ").append(down);
        }
        return line.toString();
    }

    static String members(Endpoint[] members) {
        StringBuilder text = new StringBuilder("[");
        for (Endpoint member : members) {
            text.append(text.length() == 1 ? "" : " ").append(member);
        }
        return text.append(']').toString();
    }

    private static long retransmitted(CounterSet counters) {
        return value(counters, "mnak retransmitted") + value(counters, "pt2pt retransmitted");
    }

    private static long duplicates(CounterSet counters) {
        return value(counters, "mnak dropped duplicate") + value(counters, "pt2pt dropped duplicate");
    }

    /** A counter a stack has not registered reads -1; it counts nothing here. */
    private static long value(CounterSet counters, String label) {
        return Math.max(0, counters.value(label));
    }
}
