package io.consort.layers.proto;

import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A checker (beside chk_fifo and chk_sync): every member hashes the order in which it delivers the view's casts,
 * each named by its origin rank and its number among that origin's casts, and every {@code every} deliveries
 * multicasts (unreliably) how many it has delivered and the hash so far. A member that has delivered as many
 * compares: a different hash means two members delivered the same number of casts in different orders, a
 * violation of total order. Casts delivered when the view ends (unordered ones, whose set depends on the cut) are
 * left to the history checker. Insert it anywhere above total by configuration; tests assert {@code violations}
 * stays 0. Adds no header to application messages.
 *
 * <pre>
 * CHECKPOINT: kind(1)=CHK_TOTAL  delivered(8)  hash(8)
 * </pre>
 */
public final class ChkTotal extends Layer {
    static final int BODY_LENGTH = 17;
    private static final int KEPT = 64;

    private final int every;
    private long[] perOrigin;
    private long delivered;
    private long hash;
    private final long[] keptCounts = new long[KEPT];
    private final long[] keptHashes = new long[KEPT];
    /** Per rank, the latest checkpoint it sent that this member had not reached yet, or -1. */
    private long[] aheadCount;
    private long[] aheadHash;
    private boolean gossipDue;
    private boolean viewOver;

    private AtomicCounter checked;
    private AtomicCounter violations;
    private AtomicCounter truncated;

    public ChkTotal(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("chk_total needs every >= 1, had " + every);
        }
        this.every = every;
    }

    @Override
    public String name() {
        return "chk_total";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public int requiresBelow() {
        return Services.TOTAL_ORDER;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        int members = context.groupSize();
        perOrigin = new long[members];
        aheadCount = new long[members];
        aheadHash = new long[members];
        Arrays.fill(aheadCount, -1);
        Arrays.fill(keptCounts, -1);
        checked = context.counter("checked");
        violations = context.counter("violations");
        truncated = context.counter("dropped truncated");
    }

    @Override
    public long tickIntervalNanos() {
        return 1_000_000;
    }

    @Override
    public long nextTick(long now) {
        return gossipDue ? now + tickIntervalNanos() : Long.MAX_VALUE;
    }

    @Override
    public void down(Event event) {
        ctx.down(event);
    }

    @Override
    public void up(Event event) {
        if (event.type != Event.CAST) {
            ctx.up(event);
        } else if (event.unreliable) {
            if ((event.headers & ctx.headerBit()) != 0) {
                onCheckpoint(event);
            } else {
                ctx.up(event);
            }
        } else {
            if (!ctx.madeBelow(event)) {
                onDelivery(event.peer);
            }
            ctx.up(event);
        }
    }

    /**
     * What a total-order layer delivers from here on (casts no decision ordered) may differ between members
     * that go on to different views, whose cuts differ: only the ordered part is compared.
     */
    @Override
    public void endView() {
        viewOver = true;
    }

    private void onDelivery(int origin) {
        if (viewOver) {
            return;
        }
        hash = (hash ^ ((long) origin << 48 ^ perOrigin[origin]++)) * 0x9E3779B97F4A7C15L;
        hash ^= hash >>> 29;
        if (++delivered % every != 0) {
            return;
        }
        int slot = (int) (delivered / every % KEPT);
        keptCounts[slot] = delivered;
        keptHashes[slot] = hash;
        for (int rank = 0; rank < aheadCount.length; rank++) {
            if (aheadCount[rank] == delivered) {
                compare(aheadHash[rank], hash);
                aheadCount[rank] = -1;
            }
        }
        if (!gossipDue) {
            gossipDue = true;
            ctx.tickSoon();
        }
    }

    private void onCheckpoint(Event event) {
        if (event.payload.extentCount() != 1 || event.payload.length() != BODY_LENGTH || event.peer < 0
            || event.peer >= aheadCount.length) {
            truncated.incrementRelease();
            ctx.release(event);
            return;
        }
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.index(0);
        long count = buffer.getLong(at + 1, WireIds.ORDER);
        long theirs = buffer.getLong(at + 9, WireIds.ORDER);
        ctx.release(event);
        int slot = (int) (count / every % KEPT);
        if (count > delivered) {
            aheadCount[event.peer] = count;
            aheadHash[event.peer] = theirs;
        } else if (count > 0 && keptCounts[slot] == count) {
            compare(theirs, keptHashes[slot]);
        }
    }

    private void compare(long theirs, long mine) {
        checked.incrementRelease();
        if (theirs != mine) {
            violations.incrementRelease();
        }
    }

    @Override
    public void tick(long now) {
        if (!gossipDue || delivered < every) {
            gossipDue = false;
            return;
        }
        Event checkpoint = ctx.newControlMessage(Event.CAST, Transport.ALL, BODY_LENGTH);
        if (checkpoint == null) {
            return;
        }
        gossipDue = false;
        long count = delivered - delivered % every;
        int slot = (int) (count / every % KEPT);
        UnsafeBuffer buffer = checkpoint.payload.buffer();
        int at = checkpoint.payload.index(0);
        buffer.putByte(at, WireIds.CHK_TOTAL);
        buffer.putLong(at + 1, count, WireIds.ORDER);
        buffer.putLong(at + 9, keptHashes[slot], WireIds.ORDER);
        checkpoint.headers |= ctx.headerBit();
        ctx.down(checkpoint);
    }
}
