package io.consort.sim.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Partitions, heals, crashes and recoveries waiting for their time. Kept in time order, and in the order they
 * were scheduled among equal times, so that applying them is as repeatable as everything else. Events are
 * objects, but they are made when a test schedules them, never on the data path.
 */
final class FaultSchedule {
    enum Kind { PARTITION, HEAL, CRASH, RECOVER }

    /** One scheduled fault; {@code groupOf[rank]} names each member's side of a partition. */
    record Event(long at, Kind kind, int rank, int[] groupOf) {
    }

    private final List<Event> events = new ArrayList<>();
    private int next;

    void add(Event event) {
        int i = events.size();
        while (i > next && events.get(i - 1).at() > event.at()) {
            i--;
        }
        events.add(i, event);
    }

    /** When the next fault is due, or {@link Long#MAX_VALUE} when none is left. */
    long nextTime() {
        return next < events.size() ? events.get(next).at() : Long.MAX_VALUE;
    }

    /** Takes the next fault; only when {@link #nextTime()} is not {@link Long#MAX_VALUE}. */
    Event take() {
        return events.get(next++);
    }
}
