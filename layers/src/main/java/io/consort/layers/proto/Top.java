package io.consort.layers.proto;

import io.consort.iovec.Iovec;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The adapter between the stack and the application: messages reaching the top are handed to the
 * {@link MessageHandler}. One still carrying a layer's header bit is that layer's own reliable message (a
 * sequencer's decision), passed up only so that stability counts it, and is not delivered. A message in one extent is handed over in place; one in several extents (a
 * reassembled large message) is gathered into a reusable buffer first, which grows only while the member warms up.
 */
public final class Top extends Layer {
    private final MessageHandler handler;
    private final ExpandableDirectByteBuffer gather = new ExpandableDirectByteBuffer(4096);
    private AtomicCounter deliveredCasts;
    private AtomicCounter deliveredSends;
    private AtomicCounter deliveredBytes;
    private AtomicCounter sentMessages;

    public Top(MessageHandler handler) {
        this.handler = handler;
    }

    @Override
    public String name() {
        return "top";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        deliveredCasts = context.counter("delivered casts");
        deliveredSends = context.counter("delivered sends");
        deliveredBytes = context.counter("delivered bytes");
        sentMessages = context.counter("messages from application");
    }

    /** Hands a message to the application; the event goes back to its pool even if the handler throws. */
    @Override
    public void up(Event event) {
        try {
            if (event.isMessage() && !event.unreliable && event.headers == 0) {
                deliver(event);
            }
        } finally {
            ctx.release(event);
        }
    }

    private void deliver(Event event) {
        Iovec payload = event.payload;
        int kind = event.type == Event.CAST ? MessageHandler.CAST : MessageHandler.SEND;
        (kind == MessageHandler.CAST ? deliveredCasts : deliveredSends).incrementRelease();
        deliveredBytes.getAndAddRelease(payload.length());
        if (payload.extentCount() == 1) {
            handler.onMessage(kind, event.peer, payload.buffer(), payload.index(0), payload.length());
        } else {
            gather.checkLimit(payload.length());
            payload.copyTo(gather, 0);
            handler.onMessage(kind, event.peer, gather, 0, payload.length());
        }
    }

    @Override
    public void down(Event event) {
        sentMessages.incrementRelease();
        ctx.down(event);
    }
}
