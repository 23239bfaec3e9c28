package io.consort.layers.proto;

import io.consort.iovec.Iovec;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Fragmentation and reassembly (Ensemble's frag), without copying. The member lays a large message out one
 * packet's worth per frame, so going down each frame simply becomes a fragment; coming up, fragments from one
 * sender arrive in order (the layers below are FIFO) and their frames are chained back into one message.
 * A message that fits one packet carries no frag header.
 *
 * <pre>
 * FIRST:  kind(1)=FRAG_FIRST  total length(4)
 * MIDDLE: kind(1)=FRAG_MIDDLE
 * LAST:   kind(1)=FRAG_LAST
 * </pre>
 */
public final class Frag extends Layer {
    static final int FIRST_LENGTH = 5;

    private Iovec[] casts;
    private int[] castLengths;
    private Iovec[] sends;
    private int[] sendLengths;
    private int framesPerMessage;

    private AtomicCounter fragmented;
    private AtomicCounter fragmentsSent;
    private AtomicCounter reassembled;
    private AtomicCounter dropped;
    private AtomicCounter stillLent;

    @Override
    public String name() {
        return "frag";
    }

    @Override
    public int maxHeaderLength() {
        return FIRST_LENGTH;
    }

    @Override
    public int provides() {
        return Services.FRAGMENTATION;
    }

    @Override
    public int requiresBelow() {
        return Services.FIFO_CAST | Services.FIFO_SEND;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        framesPerMessage = context.framesPerMessage(context.maxMessageLength());
        casts = new Iovec[members];
        castLengths = new int[members];
        sends = new Iovec[members];
        sendLengths = new int[members];
        for (int origin = 0; origin < members; origin++) {
            casts[origin] = new Iovec(context.frames(), framesPerMessage);
            sends[origin] = new Iovec(context.frames(), framesPerMessage);
        }
        fragmented = context.counter("messages fragmented");
        fragmentsSent = context.counter("fragments sent");
        reassembled = context.counter("messages reassembled");
        stillLent = context.counter("reassembly list still lent");
        dropped = context.counter("dropped malformed");
    }

    @Override
    public int maxReceiveFramesHeld() {
        return 2 * (ctx.groupSize() - 1) * framesPerMessage;
    }


    @Override
    public void down(Event event) {
        Iovec payload = event.payload;
        int pieces = payload.extentCount();
        if (!event.isMessage() || event.unreliable || pieces <= 1) {
            ctx.down(event);
            return;
        }
        fragmented.incrementRelease();
        int total = payload.length();
        for (int piece = 0; piece < pieces; piece++) {
            Event fragment = ctx.acquire();
            if (fragment == null) {
                throw new IllegalStateException("no event for a fragment: the member's event reserve is too small");
            }
            fragment.type = event.type;
            fragment.peer = event.peer;
            fragment.headers = event.headers | ctx.headerBit();
            fragment.payload.appendShared(payload.frame(piece), payload.offset(piece), payload.extentLength(piece));
            UnsafeBuffer buffer = fragment.payload.buffer();
            if (piece == 0) {
                int at = fragment.payload.push(FIRST_LENGTH);
                buffer.putByte(at, WireIds.FRAG_FIRST);
                buffer.putInt(at + 1, total, WireIds.ORDER);
            } else {
                int at = fragment.payload.push(1);
                buffer.putByte(at, piece == pieces - 1 ? WireIds.FRAG_LAST : WireIds.FRAG_MIDDLE);
            }
            fragmentsSent.incrementRelease();
            ctx.down(fragment);
        }
        ctx.release(event);
    }

    @Override
    public void up(Event event) {
        if (!event.isMessage() || event.unreliable) {
            ctx.up(event);
            return;
        }
        boolean cast = event.type == Event.CAST;
        Iovec[] inProgress = cast ? casts : sends;
        int[] lengths = cast ? castLengths : sendLengths;
        int origin = event.peer;
        if ((event.headers & ctx.headerBit()) == 0) {
            if (lengths[origin] != 0) {
                abandon(inProgress, lengths, origin);
            }
            ctx.up(event);
            return;
        }
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.pull(1);
        byte kind = at < 0 ? 0 : buffer.getByte(at);
        if (kind == WireIds.FRAG_FIRST) {
            int lengthAt = event.payload.pull(FIRST_LENGTH - 1);
            int total = lengthAt < 0 ? -1 : buffer.getInt(lengthAt, WireIds.ORDER);
            if (lengths[origin] != 0) {
                abandon(inProgress, lengths, origin);
            }
            if (total <= event.payload.length() || total > ctx.maxMessageLength() + ctx.headersAbove()) {
                drop(event);
                return;
            }
            if (inProgress[origin].onLoan()) {
                stillLent.incrementRelease();
                inProgress[origin] = new Iovec(ctx.frames(), framesPerMessage);
            }
            inProgress[origin].appendMoved(event.payload);
            lengths[origin] = total;
            ctx.release(event);
            return;
        }
        Iovec message = inProgress[origin];
        if (lengths[origin] == 0 || (kind != WireIds.FRAG_MIDDLE && kind != WireIds.FRAG_LAST)) {
            drop(event);
            return;
        }
        message.appendMoved(event.payload);
        int length = message.length();
        boolean last = kind == WireIds.FRAG_LAST;
        if (last != (length == lengths[origin]) || length > lengths[origin]) {
            ctx.release(event);
            abandon(inProgress, lengths, origin);
            return;
        }
        if (!last) {
            ctx.release(event);
            return;
        }
        lengths[origin] = 0;
        event.headers &= ~ctx.headerBit();
        event.lend(message);
        reassembled.incrementRelease();
        ctx.up(event);
    }

    private void abandon(Iovec[] inProgress, int[] lengths, int origin) {
        dropped.incrementRelease();
        inProgress[origin].clear();
        lengths[origin] = 0;
    }

    private void drop(Event event) {
        dropped.incrementRelease();
        ctx.release(event);
    }

    @Override
    public void close() {
        for (int origin = 0; origin < casts.length; origin++) {
            if (!casts[origin].onLoan()) {
                casts[origin].clear();
            }
            if (!sends[origin].onLoan()) {
                sends[origin].clear();
            }
        }
    }
}
