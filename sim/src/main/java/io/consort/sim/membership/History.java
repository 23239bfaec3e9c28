package io.consort.sim.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import java.util.ArrayList;
import java.util.List;

/**
 * What one process (an endpoint: an address and an incarnation) saw, in order: the views it installed and the
 * messages it delivered in each. Recorded by {@link Recorder}, judged by {@link VsyncChecker}.
 */
public final class History {
    /** One installed view and what was delivered in it. */
    public static final class Installed {
        public final View view;
        public final List<long[]> casts = new ArrayList<>();
        public final List<long[]> sends = new ArrayList<>();
        /** True if the process moved on to another view (or left) after this one, false if it ended here. */
        boolean ended;

        Installed(View view) {
            this.view = view;
        }

        public boolean ended() {
            return ended;
        }
    }

    public final Endpoint process;
    public final List<Installed> views = new ArrayList<>();
    /** Casts this process offered and had accepted, in order; its k-th carries number k. */
    volatile long castsOffered;
    volatile long ownCastsDelivered;
    volatile long castsInCurrentView;
    volatile boolean left;
    volatile boolean crashed;

    History(Endpoint process) {
        this.process = process;
    }

    Installed current() {
        return views.isEmpty() ? null : views.get(views.size() - 1);
    }

    /** The process's application had one more cast accepted (call from the one thread that multicasts). */
    public void countOffered() {
        castsOffered++;
    }

    /** The process was stopped without leaving: its own casts need not all be delivered. */
    public void markCrashed() {
        crashed = true;
    }

    /** How many of its own casts this process has delivered; readable from any thread. */
    public long ownCastsDelivered() {
        return ownCastsDelivered;
    }

    /** How many casts this process has delivered in its current view; readable from any thread. */
    public long castsInCurrentView() {
        return castsInCurrentView;
    }

    public long castsOffered() {
        return castsOffered;
    }

    public boolean left() {
        return left;
    }

    public boolean crashed() {
        return crashed;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(process.toString()).append(left ? " (left)" : "")
            .append(crashed ? " (crashed)" : "").append(": offered ").append(castsOffered).append('\n');
        for (Installed installed : views) {
            out.append("  ").append(installed.view.id()).append(' ').append(java.util.Arrays.toString(
                installed.view.members())).append(installed.view.primary() ? " primary" : "").append(": ")
                .append(installed.casts.size()).append(" casts, ").append(installed.sends.size()).append(" sends\n");
        }
        return out.toString();
    }
}
