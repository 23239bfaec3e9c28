package io.consort.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits, with a bound, for what a group of member processes shows in their status files: one view, traffic
 * delivered, everything delivered once traffic stopped. The bound is a liveness limit, not a timing: passing it
 * is a failure that reports every process's output.
 */
public final class GroupWatch {
    private final List<MemberLauncher> members;
    private final long boundNanos;
    private final Runnable whileWaiting;

    /**
     * @param members the group's processes by address (the list may be updated as processes are replaced)
     * @param whileWaiting run about every 20 ms while waiting (for example to print live counters)
     */
    public GroupWatch(List<MemberLauncher> members, long boundSeconds, Runnable whileWaiting) {
        this.members = members;
        this.boundNanos = TimeUnit.SECONDS.toNanos(boundSeconds);
        this.whileWaiting = whileWaiting;
    }

    /** Waits until every running member is in one view of {@code size}. */
    public void awaitOneView(int size) {
        awaitOneView(size, running().toArray(new MemberLauncher[0]));
    }

    /** Waits until {@code expected} are all in one view of {@code size}. */
    public void awaitOneView(int size, MemberLauncher... expected) {
        await(() -> {
            long time = -1;
            long coordinator = -1;
            for (MemberLauncher member : expected) {
                if (member.counter("app view size") != size) {
                    return false;
                }
                long t = member.counter("app view ltime");
                long c = member.counter("app view coordinator");
                if (time == -1) {
                    time = t;
                    coordinator = c;
                } else if (t != time || c != coordinator) {
                    return false;
                }
            }
            return expected.length >= size;
        }, "one view of " + size);
    }

    /** Waits until every running member has delivered {@code own} more of its own casts and {@code all} more. */
    public void awaitTraffic(int own, int all) {
        List<MemberLauncher> running = running();
        long[] inView = new long[running.size()];
        long[] mine = new long[running.size()];
        for (int i = 0; i < running.size(); i++) {
            inView[i] = running.get(i).counter("app casts delivered in view");
            mine[i] = running.get(i).counter("app own casts delivered");
        }
        await(() -> {
            for (int i = 0; i < running.size(); i++) {
                MemberLauncher member = running.get(i);
                if (member.alive() && (member.counter("app casts delivered in view") < inView[i] + all
                    || member.counter("app own casts delivered") < mine[i] + own)) {
                    return false;
                }
            }
            return true;
        }, "traffic");
    }

    /**
     * Waits, once traffic has stopped, until every member has delivered each of its own casts and all have
     * delivered as many casts in their (common) view.
     */
    public void awaitQuiet() {
        await(() -> {
            List<MemberLauncher> running = running();
            long inView = running.get(0).counter("app casts delivered in view");
            for (MemberLauncher member : running) {
                if (member.counter("app own casts delivered") != member.counter("app casts offered")
                    || member.counter("app casts delivered in view") != inView) {
                    return false;
                }
            }
            return true;
        }, "quiet: own casts delivered and the same casts in the view everywhere");
    }

    public void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + boundNanos;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder state = new StringBuilder();
                for (MemberLauncher member : members) {
                    state.append("\n--- ").append(member.name()).append(member.alive() ? " (running)" : " (gone)")
                        .append('\n').append(member.output());
                }
                throw new IllegalStateException("no " + what + " within " + TimeUnit.NANOSECONDS.toSeconds(boundNanos)
                    + " s" + state);
            }
            whileWaiting.run();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    private List<MemberLauncher> running() {
        List<MemberLauncher> running = new ArrayList<>();
        for (MemberLauncher member : members) {
            if (member.alive()) {
                running.add(member);
            }
        }
        return running;
    }
}
