package io.consort.layers.runtime;

/**
 * The group as one member sees it: a group id, how many members, and this member's rank (its index among them).
 * Ranks are what layers and transports address members by.
 */
public final class View {
    public static final int MAX_SIZE = 255;

    private final int groupId;
    private final int rank;
    private final int size;

    public View(int groupId, int rank, int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("group size must be between 1 and " + MAX_SIZE + ", was " + size);
        }
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank must be between 0 and " + (size - 1) + ", was " + rank);
        }
        this.groupId = groupId;
        this.rank = rank;
        this.size = size;
    }

    public int groupId() {
        return groupId;
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "View[group=" + groupId + " rank=" + rank + " of " + size + "]";
    }
}
