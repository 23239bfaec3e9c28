package io.consort.layers.api;

/**
 * The application side of state transfer (the {@code xfer} layer): a {@link MessageHandler} that also implements
 * this interface has its state handed to members that join, and chosen by {@link #mergePolicy()} when partitions
 * merge. Called on the member's duty-cycle thread, like the handler.
 *
 * <p>Every member of a group must implement it or none: the layer waits for every member's report.
 *
 * <p>At the start of each view the members agree, before any message of the view reaches the application, on
 * which members' state is kept. One of those (the donor) is asked for a {@link #snapshot()} at that point, the
 * view boundary, and streams it to the others, which see {@link #beginInstall()}, {@link #installChunk} calls and
 * {@link #endInstall()}; only then do they see the view's messages, every one from its first. A transfer cut short
 * by a view change ends in {@link #abortInstall()} and starts again from {@link #beginInstall()} in the next view.
 * A member that has not installed a state (a joiner, or one mid-transfer) is given no messages.
 */
public interface StateHandler {
    /**
     * The state as it is now, as a stream. The application goes on applying messages while the writer is read,
     * across many duty cycles, so the writer must yield the state of this moment (e.g. keep copy-on-write
     * pre-images of what changes meanwhile) without copying the whole state.
     */
    StateWriter snapshot();

    /** A state is about to be installed: drop the current one. */
    void beginInstall();

    /** The next bytes of the state; the buffer is only valid during the call. */
    void installChunk(org.agrona.DirectBuffer buffer, int offset, int length);

    /** The state is complete: every byte {@link StateWriter} wrote was passed to {@link #installChunk}, in order. */
    void endInstall();

    /** The transfer begun was cut short (the donor failed or the view changed); a new one will begin. */
    void abortInstall();

    /** Which side's state the group keeps when members with different histories meet. */
    default MergePolicy mergePolicy() {
        return MergePolicy.DEFAULT;
    }
}
