package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A checker (Ensemble's chk_fifo): numbers every reliable cast and send this member hands down, and counts as a
 * violation any delivery from the layers below that is not the next number of its origin and kind, so a lost,
 * repeated or reordered message within a view shows in the {@code violations} counter. Insert it anywhere above
 * the reliability layers by configuration; tests do, and assert the counter stays 0.
 *
 * <pre>
 * kind(1)=CHK_FIFO  number(4)
 * </pre>
 */
public final class ChkFifo extends Layer {
    static final int HEADER_LENGTH = 5;

    private int castsSent;
    private int[] sendsSent;
    private int[] castsExpected;
    private int[] sendsExpected;
    private AtomicCounter checked;
    private AtomicCounter violations;

    @Override
    public String name() {
        return "chk_fifo";
    }

    @Override
    public int maxHeaderLength() {
        return HEADER_LENGTH;
    }

    @Override
    public int requiresBelow() {
        return Services.FIFO_CAST | Services.FIFO_SEND;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        sendsSent = new int[members];
        castsExpected = new int[members];
        sendsExpected = new int[members];
        checked = context.counter("checked");
        violations = context.counter("violations");
    }

    @Override
    public void down(Event event) {
        if (event.isMessage() && !event.unreliable) {
            int number = event.type == Event.CAST ? castsSent++ : sendsSent[event.peer]++;
            int at = event.payload.push(HEADER_LENGTH);
            UnsafeBuffer buffer = event.payload.buffer();
            buffer.putByte(at, WireIds.CHK_FIFO);
            buffer.putInt(at + 1, number, WireIds.ORDER);
            event.headers |= ctx.headerBit();
        }
        ctx.down(event);
    }

    @Override
    public void up(Event event) {
        if (!event.isMessage() || (event.headers & ctx.headerBit()) == 0) {
            ctx.up(event);
            return;
        }
        int at = event.payload.pull(HEADER_LENGTH);
        if (at < 0 || event.unreliable || event.payload.buffer().getByte(at) != WireIds.CHK_FIFO) {
            violations.incrementRelease();
            ctx.release(event);
            return;
        }
        int number = event.payload.buffer().getInt(at + 1, WireIds.ORDER);
        int[] expected = event.type == Event.CAST ? castsExpected : sendsExpected;
        checked.incrementRelease();
        if (number != expected[event.peer]) {
            violations.incrementRelease();
        }
        expected[event.peer] = number + 1;
        event.headers &= ~ctx.headerBit();
        ctx.up(event);
    }
}
