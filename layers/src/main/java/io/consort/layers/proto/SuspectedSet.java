package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.LayerContext;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The ranks a layer suspects, and the {@link Event#SUSPECT} notice owed to the layers above when the set grew:
 * sent at once, or on a later call if no event was free. Shared by suspect and slander.
 */
final class SuspectedSet {
    private final boolean[] suspected;
    private int count;
    private boolean reportDue;

    SuspectedSet(int members) {
        suspected = new boolean[members];
    }

    /** Adds {@code rank}; true if it was not suspected before. */
    boolean add(int rank) {
        if (suspected[rank]) {
            return false;
        }
        suspected[rank] = true;
        count++;
        reportDue = true;
        return true;
    }

    boolean contains(int rank) {
        return suspected[rank];
    }

    int count() {
        return count;
    }

    int size() {
        return suspected.length;
    }

    /** True while a SUSPECT notice is owed (the pool was dry when it was due). */
    boolean reportOwed() {
        return reportDue;
    }

    /** Sends the SUSPECT notice up if one is owed; counts {@code noEvent} and keeps it owed if the pool is dry. */
    void report(LayerContext ctx, AtomicCounter noEvent) {
        if (!reportDue) {
            return;
        }
        Event notice = ctx.acquire();
        if (notice == null) {
            noEvent.incrementRelease();
            return;
        }
        reportDue = false;
        notice.type = Event.SUSPECT;
        for (int rank = 0; rank < suspected.length; rank++) {
            notice.vector[rank] = suspected[rank] ? 1 : 0;
        }
        ctx.up(notice);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int rank = 0; rank < suspected.length; rank++) {
            if (suspected[rank]) {
                out.append(rank).append(' ');
            }
        }
        return out.toString();
    }
}
