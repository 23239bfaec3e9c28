package io.consort.cli.member;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.View;
import org.agrona.DirectBuffer;

/**
 * Stands in for the console while the member is built: a member reports its first view during construction,
 * before the console (which needs the member's counters) exists. Attach before the duty thread starts.
 */
final class Deferred implements MessageHandler {
    private MessageHandler target;
    private View pending;

    void attach(MessageHandler handler) {
        target = handler;
        if (pending != null) {
            handler.onView(pending);
            pending = null;
        }
    }

    @Override
    public void onView(View view) {
        if (target == null) {
            pending = view;
        } else {
            target.onView(view);
        }
    }

    @Override
    public void onBlock() {
        target.onBlock();
    }

    @Override
    public void onLeft() {
        target.onLeft();
    }

    @Override
    public void onExcluded() {
        target.onExcluded();
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        target.onMessage(kind, origin, buffer, offset, length);
    }
}
