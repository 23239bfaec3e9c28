package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A checker (Ensemble's chk_sync): watches the flush that ends a view pass by and counts as a violation what
 * would break virtual synchrony locally: an application message handed down after the view started ending
 * ({@link Event#FLUSH}), or a cast delivered while delivery is frozen ({@link Event#BLOCK_OK}) other than to
 * complete a cut ({@link Event#CUT} to {@link Event#CUT_DONE}). Insert it right below gmp by configuration; tests
 * do, and assert {@code violations} stays 0. Adds no header.
 */
public final class ChkSync extends Layer {
    private boolean blocked;
    private boolean frozen;
    private boolean cutting;
    private AtomicCounter violations;

    @Override
    public String name() {
        return "chk_sync";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        violations = context.counter("violations");
    }

    @Override
    public void down(Event event) {
        if (event.type == Event.FLUSH) {
            blocked = true;
        } else if (event.type == Event.CUT) {
            cutting = true;
        } else if (blocked && event.isMessage() && !event.unreliable && !event.urgent) {
            violations.incrementRelease();
        }
        ctx.down(event);
    }

    /** A layer below may still deliver by the view's rules now (total order's unordered casts). */
    @Override
    public void endView() {
        cutting = true;
    }

    @Override
    public void up(Event event) {
        if (event.type == Event.BLOCK_OK) {
            frozen = true;
            cutting = false;
        } else if (event.type == Event.CUT_DONE) {
            cutting = false;
        } else if (frozen && !cutting && event.type == Event.CAST && !event.unreliable) {
            violations.incrementRelease();
        }
        ctx.up(event);
    }
}
