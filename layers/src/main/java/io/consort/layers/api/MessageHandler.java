package io.consort.layers.api;

import io.consort.layers.runtime.View;
import org.agrona.DirectBuffer;

/**
 * Receives what happens to a member, on the member's duty-cycle thread: messages, views, block notices. The
 * buffer is only valid during the call: copy what you keep. Nothing is allocated per delivery.
 *
 * <p>A view's messages are delivered between its {@link #onView} and the next: a message's origin is a rank of
 * the view last announced ({@code view.member(origin)} is its endpoint).
 */
@FunctionalInterface
public interface MessageHandler {
    /** A multicast to the group. */
    int CAST = 1;
    /** A point-to-point message. */
    int SEND = 2;

    /**
     * @param kind {@link #CAST} or {@link #SEND}
     * @param origin rank, in the current view, of the member that sent it (possibly this member)
     */
    void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length);

    /** A new view is installed; the first call announces the member's first view. */
    default void onView(View view) {
    }

    /**
     * The current view is ending: messages offered from now on wait in the member's ring and are sent in the next
     * view (to endpoints still in it). Messages of the current view may still be delivered until {@link #onView}.
     */
    default void onBlock() {
    }

    /** This member has left the group (after {@link Member#leave()}): nothing more will be delivered. */
    default void onLeft() {
    }

    /**
     * The group went on without this member (it was suspected, e.g. after a pause longer than the suspicion
     * timeout, and excluded): it has stopped, and nothing more will be delivered. To take part again, close it
     * and join as a new incarnation (a larger incarnation number at the same address).
     */
    default void onExcluded() {
    }
}
