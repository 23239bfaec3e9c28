package io.consort.layers.api;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.runtime.MemberAgent;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.Stack;

/**
 * Checks at start that a member's pools can hold what its layers may buffer in the worst case, so that memory
 * stays bounded by configuration and receiving can never deadlock on a full pool. Fails with what to change.
 */
final class MemberLimits {
    private MemberLimits() {
    }

    static void check(Stack stack, MemberConfig config) {
        FramePool frames = stack.frames();
        int perMessage = stack.framesPerMessage(stack.maxMessageLength());
        int receiveHeld = config.pollLimit();
        int eventsHeld = MemberAgent.EVENT_RESERVE + 1;
        for (int i = 0; i < stack.size(); i++) {
            receiveHeld += stack.layer(i).maxReceiveFramesHeld();
            eventsHeld += stack.layer(i).maxEventsHeld();
        }
        if (frames.limit(Account.RECEIVE) < receiveHeld) {
            throw new IllegalArgumentException("the receive account (" + frames.limit(Account.RECEIVE)
                + " frames) is smaller than the " + receiveHeld + " frames the layers of " + stack
                + " may hold for a group of " + stack.view().size() + " with messages of up to "
                + stack.maxMessageLength() + " bytes: raise frameCount or receiveLimit, or lower windows or"
                + " maxMessageLength");
        }
        if (frames.limit(Account.SEND) < perMessage) {
            throw new IllegalArgumentException("the send account (" + frames.limit(Account.SEND) + " frames) cannot"
                + " hold one message of maxMessageLength " + stack.maxMessageLength() + " (" + perMessage
                + " frames): raise frameCount or sendLimit, or lower maxMessageLength");
        }
        eventsHeld += frames.limit(Account.SEND);
        if (config.eventCount() < eventsHeld) {
            throw new IllegalArgumentException("eventCount " + config.eventCount() + " is below the " + eventsHeld
                + " events the layers and the send account may hold: raise eventCount to at least " + eventsHeld);
        }
    }
}
