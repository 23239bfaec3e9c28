package io.consort.layers.runtime;

/**
 * Names a view: its logical time and the endpoint that made it (the coordinator that ended the view before; it
 * may have left by this view). Logical time grows by one at every view change, and past the larger of the two
 * when partitions merge, so view ids increase along every member's history. Two partitions may reach the same
 * logical time; their makers tell them apart, and a maker makes at most one view per logical time.
 */
public final class ViewId implements Comparable<ViewId> {
    private final long ltime;
    private final Endpoint coordinator;

    public ViewId(long ltime, Endpoint coordinator) {
        if (ltime < 0 || ltime > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("logical time must fit 32 unsigned bits, was " + ltime);
        }
        this.ltime = ltime;
        this.coordinator = coordinator;
    }

    public long ltime() {
        return ltime;
    }

    public Endpoint coordinator() {
        return coordinator;
    }

    /** The 32 bits the bottom header carries beside the logical time to tell views of equal time apart. */
    public int coordinatorStamp() {
        return (coordinator.address() * 0x9E3779B1) ^ coordinator.incarnation();
    }

    public boolean is(long ltime, int coordinatorStamp) {
        return this.ltime == ltime && coordinatorStamp() == coordinatorStamp;
    }

    @Override
    public int compareTo(ViewId other) {
        int byTime = Long.compare(ltime, other.ltime);
        return byTime != 0 ? byTime : coordinator.compareTo(other.coordinator);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ViewId && ((ViewId) other).ltime == ltime
            && ((ViewId) other).coordinator.equals(coordinator);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ltime) * 31 + coordinator.hashCode();
    }

    @Override
    public String toString() {
        return ltime + "@" + coordinator;
    }
}
