package io.consort.layers.runtime;

/**
 * What a member knows of its application's state across views, kept by the member for the {@code xfer} layer
 * (whose stack, like every layer's, lives one view). The state is named by the view it was last settled in (from
 * then on the application saw every message of that view) and the view the member went into next: two members
 * with the same pair delivered the same messages of the first view (virtual synchrony), so they hold the same
 * state. A member that settled in a view and has not settled since keeps the pair of its first unsettled view.
 */
public final class StateRecord {
    private boolean hasState;
    private View settledIn;
    private ViewId next;
    private boolean fresh;

    public boolean hasState() {
        return hasState;
    }

    /** The view the state was last settled in, or null. */
    public View settledIn() {
        return settledIn;
    }

    /**
     * True while the state is the empty one adopted when no member had any, and no multicast has been applied to
     * it since: such a state yields to any other when members meet.
     */
    public boolean fresh() {
        return fresh;
    }

    /** A multicast was applied: the state is no longer the empty one. */
    public void applied() {
        fresh = false;
    }

    /** The view installed right after {@link #settledIn()}, or null while still in it. */
    public ViewId next() {
        return next;
    }

    /** A new view starts: if the state was settled in the one before, that view is now its successor's. */
    public void enter(View view) {
        if (hasState && next == null) {
            next = view.id();
        }
    }

    /** The application holds a state ({@code fresh}: the empty one) and sees every message of {@code view} now. */
    public void settle(View view, boolean fresh) {
        this.fresh = fresh;
        hasState = true;
        settledIn = view;
        next = null;
    }

    /** The application is dropping its state to install another. */
    public void drop() {
        hasState = false;
        fresh = false;
        settledIn = null;
        next = null;
    }

    @Override
    public String toString() {
        return hasState ? (fresh ? "fresh " : "") + "state of " + settledIn.id() + " then " + next : "no state";
    }
}
