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
     * Waits, once traffic has been told to stop, until every member's sending thread has stopped, every member has
     * delivered each of its own casts, and all are in one view with as many casts delivered in it, and all of that
     * still holds, unchanged, 200 ms later (a single reading could fall between a cast and its delivery elsewhere).
     */
    public void awaitQuiet() {
        long[] last = {Long.MIN_VALUE};
        long[] since = {0};
        await(() -> {
            long state = quietState();
            long now = System.nanoTime();
            if (state == Long.MIN_VALUE || state != last[0]) {
                last[0] = state;
                since[0] = now;
                return false;
            }
            return now - since[0] >= TimeUnit.MILLISECONDS.toNanos(200);
        }, "quiet: traffic stopped, own casts delivered, one view with the same casts everywhere");
    }

    /** A digest of the group's quiet state, or {@link Long#MIN_VALUE} when it is not quiet. */
    private long quietState() {
        List<MemberLauncher> running = running();
        MemberLauncher first = running.get(0);
        long inView = first.counter("app casts delivered in view");
        long time = first.counter("app view ltime");
        long coordinator = first.counter("app view coordinator");
        long digest = inView * 31 + time;
        for (MemberLauncher member : running) {
            if (member.counter("app traffic rate") != 0
                || member.counter("app own casts delivered") != member.counter("app casts offered")
                || member.counter("app casts delivered in view") != inView
                || member.counter("app view ltime") != time || member.counter("app view coordinator") != coordinator
                || member.counter("app view size") != running.size()) {
                return Long.MIN_VALUE;
            }
            digest = digest * 31 + member.counter("app casts offered");
        }
        return digest;
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
