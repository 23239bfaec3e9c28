package io.consort.layers.api;

import org.agrona.DirectBuffer;

/**
 * Receives the messages delivered to a member, on the member's duty-cycle thread. The buffer is only valid during
 * the call: copy what you keep. Nothing is allocated per delivery.
 */
@FunctionalInterface
public interface MessageHandler {
    /** A multicast to the group. */
    int CAST = 1;
    /** A point-to-point message. */
    int SEND = 2;

    /**
     * @param kind {@link #CAST} or {@link #SEND}
     * @param origin rank of the member that sent it (possibly this member, for its own multicasts)
     */
    void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length);
}
