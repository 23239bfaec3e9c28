package io.consort.iovec;

/**
 * Which side of a member a frame is held for. Send and receive frames are counted and capped separately, so a
 * flood of incoming packets cannot starve the sender of frames, nor the reverse (Ensemble's separate pools).
 */
public enum Account {
    SEND,
    RECEIVE
}
