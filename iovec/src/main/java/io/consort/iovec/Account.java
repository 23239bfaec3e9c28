package io.consort.iovec;

/**
 * Which side of a member a frame is held for. Each account is counted and capped on its own, so a flood of
 * incoming packets cannot starve the sender of frames, nor application data starve the protocol's own
 * messages (acknowledgements, NAKs, gossip), which must always get out for the others to make progress.
 */
public enum Account {
    /** Application data on its way out, and the copies kept for retransmission. */
    SEND,
    /** Packets received and not yet delivered. */
    RECEIVE,
    /** Protocol control messages a layer creates. */
    CONTROL
}
