package io.consort.layers.runtime;

import java.util.Arrays;

/**
 * The group as one member sees it for a while: the group id, the view's id, its members in rank order, this
 * member's rank among them, and whether the view is primary. Layers and the application address members by
 * rank within a view; a view change builds a new stack for the new view, so a rank never outlives its view.
 */
public final class View {
    public static final int MAX_SIZE = 255;

    private final int groupId;
    private final ViewId id;
    private final Endpoint[] members;
    private final int rank;
    private final boolean primary;

    public View(int groupId, ViewId id, Endpoint[] members, int rank, boolean primary) {
        if (members.length < 1 || members.length > MAX_SIZE) {
            throw new IllegalArgumentException("group size must be between 1 and " + MAX_SIZE + ", was "
                + members.length);
        }
        if (rank < 0 || rank >= members.length) {
            throw new IllegalArgumentException("rank must be between 0 and " + (members.length - 1) + ", was " + rank);
        }
        for (int i = 0; i < members.length; i++) {
            for (int j = 0; j < i; j++) {
                if (members[i].address() == members[j].address()) {
                    throw new IllegalArgumentException("two members of a view share address "
                        + members[i].address() + ": " + Arrays.toString(members));
                }
            }
        }
        this.groupId = groupId;
        this.id = id;
        this.members = members.clone();
        this.rank = rank;
        this.primary = primary;
    }

    /**
     * A fixed view, for groups without a membership layer: members 0 to size-1 at addresses 0 to size-1,
     * incarnation 0, logical time 0, primary.
     */
    public View(int groupId, int rank, int size) {
        this(groupId, new ViewId(0, new Endpoint(0, 0)), fixedMembers(size), rank, true);
    }

    private static Endpoint[] fixedMembers(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("group size must be between 1 and " + MAX_SIZE + ", was " + size);
        }
        Endpoint[] members = new Endpoint[size];
        for (int i = 0; i < size; i++) {
            members[i] = new Endpoint(i, 0);
        }
        return members;
    }

    public int groupId() {
        return groupId;
    }

    public ViewId id() {
        return id;
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return members.length;
    }

    public boolean primary() {
        return primary;
    }

    public Endpoint member(int rank) {
        return members[rank];
    }

    public Endpoint self() {
        return members[rank];
    }

    /** The rank of the endpoint at {@code address} with {@code incarnation}, or -1 if it is not in this view. */
    public int rankOf(int address, int incarnation) {
        for (int i = 0; i < members.length; i++) {
            if (members[i].is(address, incarnation)) {
                return i;
            }
        }
        return -1;
    }

    public int rankOf(Endpoint endpoint) {
        return rankOf(endpoint.address(), endpoint.incarnation());
    }

    /** The rank of whichever incarnation is at {@code address} in this view, or -1. */
    public int rankAtAddress(int address) {
        for (int i = 0; i < members.length; i++) {
            if (members[i].address() == address) {
                return i;
            }
        }
        return -1;
    }

    public boolean contains(Endpoint endpoint) {
        return rankOf(endpoint) >= 0;
    }

    public Endpoint[] members() {
        return members.clone();
    }

    @Override
    public String toString() {
        return "View[" + id + (primary ? " primary" : "") + " " + Arrays.toString(members) + " rank=" + rank + "]";
    }
}
