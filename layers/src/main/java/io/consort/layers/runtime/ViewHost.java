package io.consort.layers.runtime;

/**
 * What lives across views, as the membership layers see it: the member that builds a stack per view. A layer
 * asks it to install the next view (the member does so at the end of the current duty cycle, never inside a
 * layer call), to block the application, and learns from it who this member is and where to look for others.
 */
public interface ViewHost {
    /** This member's endpoint: its address and incarnation. */
    Endpoint self();

    /** Addresses to look for other partitions and for the group when joining, besides the current view's. */
    int[] seeds();

    /** True if a member at {@code address} was in a view this member installed: a process ran there. */
    boolean wasInView(int address);

    /**
     * Ends the current view: the member closes this stack and builds one for {@code next} once the current duty
     * cycle step returns. {@code next} must contain {@link #self()}. {@code announcement} is the encoded message
     * that announced the view, handed to the next stack (its coordinator repeats it to members that have not
     * acknowledged it).
     */
    void install(View next, byte[] announcement);

    /** The announcement of the current view, or null for the first. */
    byte[] announcement();

    /** A membership layer came to suspect {@code member} of the current view (once per member and view). */
    void suspected(Endpoint member);

    /** Stops taking application messages until the next view; the application gets a block notice. */
    void block();

    /** True once the application has asked to leave the group. */
    boolean leaveRequested();

    /** This member has left (it is in no later view): it stops, as if closed. */
    void left();

    /**
     * The group went on without this member (it was excluded, e.g. after a pause longer than the suspicion
     * timeout): it stops, as if closed, and tells the application, which comes back as a new incarnation.
     */
    void excluded();

    /** The latest primary view this member knows of, or null; kept across views for the primary rule. */
    View lastPrimary();

    /** True once the current view has started ending: layers above gmp send nothing more in it. */
    boolean isBlocked();

    /** The application's handler (the {@code xfer} layer talks to it when it is also a state handler). */
    io.consort.layers.api.MessageHandler application();

    /** What the application's state is, kept across views for the {@code xfer} layer. */
    StateRecord stateRecord();
}
