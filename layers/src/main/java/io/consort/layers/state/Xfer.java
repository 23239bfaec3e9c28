package io.consort.layers.state;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.layers.api.MergePolicy;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.StateHandler;
import io.consort.layers.api.StateWriter;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.runtime.StateRecord;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.WireIds;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * State transfer, at the top of a membership stack ({@code xfer:gmp:...}): members that join, or whose partition
 * merges with another, start from the group's state, and the application sees a view's messages only once it
 * holds the state they apply to. A stack lives one view, so the protocol runs per view:
 *
 * <ol>
 *   <li>Every member casts a STATUS: whether it holds a state and which ({@link StateRecord}). Until every
 *       member's has arrived, the view's messages are copied into a bounded {@link DeliveryLog}.</li>
 *   <li>With all reports, every member computes the same decision: members holding the same state form a side;
 *       the application's {@link MergePolicy} picks one; its lowest rank is the donor; everyone else receives.
 *       Members of the kept side replay the log and from then on pass messages straight up.</li>
 *   <li>The donor takes {@link StateHandler#snapshot()} at that moment, before it applies any message of the view:
 *       the cut is the view boundary, where virtual synchrony (and total order, below) gave every member of a
 *       side the same state. It streams chunks to the receivers as reliable sends, using at most half its send
 *       account so its own traffic goes on, paced by its ticks.</li>
 *   <li>A receiver installs the chunks, replays the log (every message of the view, from the first) and settles.
 *       If the view ends first, it aborts and the next view starts over with another decision.</li>
 * </ol>
 *
 * If no member holds a state (a group founded, or every holder gone), all adopt an empty one. With a handler
 * that is not a {@link StateHandler} the layer passes everything through. Once settled it costs a branch per
 * message and allocates nothing.
 *
 * <pre>
 * STATUS (cast): see StatusReports
 * CHUNK  (send, donor to receiver): kind(1) bytes(...)
 * END    (send, donor to receiver): kind(1) total bytes(8)
 * </pre>
 */
public final class Xfer extends Layer {
    private static final int WAITING = 0;
    private static final int RECEIVING = 1;
    private static final int SETTLED = 2;
    /** No state this view: the log overflowed or the stream was damaged. Messages are dropped until the next. */
    private static final int FAILED = 3;
    /** Settled on the empty state: the first multicast applied makes it {@link #SETTLED}. */
    private static final int SETTLED_FRESH = 4;

    private static final System.Logger LOG = System.getLogger("io.consort.member");

    private final int chunkLimit;
    private final long backlogLimit;
    private final long tickNanos;

    private StateHandler state;
    private MessageHandler application;
    private StateRecord record;
    private View view;
    private int phase = SETTLED;
    private boolean statusSent;
    private StatusReports reports;
    private DeliveryLog log;
    /** Chunks that came before this member had every report (kind 0: the message holds its own kind). */
    private DeliveryLog early;
    private int donor = -1;
    private boolean keptFresh;
    private int chunkSize;
    private long installed;

    private StateWriter writer;
    private int[] receivers;
    private long streamed;
    /** The writer has written everything; END goes out once control frames allow. */
    private boolean exhausted;

    private AtomicCounter donated;
    private AtomicCounter installedCount;
    private AtomicCounter emptyAdopted;
    private AtomicCounter aborted;
    private AtomicCounter bytesSent;
    private AtomicCounter bytesInstalled;
    private AtomicCounter held;
    private AtomicCounter droppedWithoutState;
    private AtomicCounter backlogOverflows;
    private AtomicCounter malformed;
    private AtomicCounter forged;
    private AtomicCounter noFrame;

    /**
     * @param chunkLimit most state bytes per packet; 0 for as many as a packet carries
     * @param backlogLimit most bytes of messages a member keeps while it waits for its state
     * @param tickNanos how often the donor streams more while the transfer runs
     */
    public Xfer(int chunkLimit, long backlogLimit, long tickNanos) {
        if (chunkLimit < 0 || backlogLimit < 0 || backlogLimit > Integer.MAX_VALUE - 8 || tickNanos <= 0) {
            throw new IllegalArgumentException("xfer needs a chunk of 0 or more bytes, a backlog of 0 to 2 GiB and a"
                + " positive tick, had chunk=" + chunkLimit + " backlog=" + backlogLimit + " tick=" + tickNanos);
        }
        this.chunkLimit = chunkLimit;
        this.backlogLimit = backlogLimit;
        this.tickNanos = tickNanos;
    }

    @Override
    public String name() {
        return "xfer";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public int requiresBelow() {
        return Services.FIFO_CAST | Services.FIFO_SEND | Services.FLOW_CONTROL;
    }

    @Override
    public long tickIntervalNanos() {
        return tickNanos;
    }

    @Override
    public long nextTick(long now) {
        return awaitingStatus() || writer != null ? now + tickNanos : Long.MAX_VALUE;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        donated = context.counter("transfers donated");
        installedCount = context.counter("transfers installed");
        emptyAdopted = context.counter("empty states adopted");
        aborted = context.counter("transfers aborted");
        bytesSent = context.counter("state bytes sent");
        bytesInstalled = context.counter("state bytes installed");
        held = context.counter("messages held");
        droppedWithoutState = context.counter("messages dropped without state");
        backlogOverflows = context.counter("backlog overflows");
        malformed = context.counter("dropped malformed");
        forged = context.counter("dropped not from donor");
        noFrame = context.counter("deferred no frame");
        view = context.view();
        chunkSize = chunkLimit == 0 ? context.maxFragmentPayload() - 1
            : Math.min(chunkLimit, context.maxFragmentPayload() - 1);
        if (context.host() == null || !(context.host().application() instanceof StateHandler)) {
            return;
        }
        application = context.host().application();
        state = (StateHandler) application;
        record = context.host().stateRecord();
        record.enter(view);
        reports = new StatusReports(view.size());
        log = new DeliveryLog(backlogLimit);
        early = new DeliveryLog(backlogLimit);
        phase = WAITING;
    }

    @Override
    public void down(Event event) {
        ctx.down(event);
    }

    @Override
    public void up(Event event) {
        if ((event.headers & ctx.headerBit()) != 0) {
            onXfer(event);
        } else if (phase == SETTLED || event.headers != 0 || !event.isMessage() || event.unreliable) {
            // Settled, or not the application's: another layer's message (a total-order decision) that top drops.
            ctx.up(event);
        } else if (phase == SETTLED_FRESH) {
            if (event.type == Event.CAST) {
                record.applied();
                phase = SETTLED;
            }
            ctx.up(event);
        } else {
            withhold(event);
        }
    }

    /** A message the application may not see yet: logged while a state is coming, dropped if none will. */
    private void withhold(Event event) {
        int kind = event.type == Event.CAST ? MessageHandler.CAST : MessageHandler.SEND;
        boolean logged = phase != FAILED && log.append(kind, event.peer, event.payload);
        ctx.release(event);
        if (logged) {
            held.incrementRelease();
        } else if (phase == FAILED) {
            droppedWithoutState.incrementRelease();
        } else {
            fail();
            throw new IllegalStateException("xfer: more than " + backlogLimit + " bytes of messages arrived while "
                + view.self() + " waited for its state in view " + view.id() + "; it holds no state until the next"
                + " view: raise xfer(backlog=...)");
        }
    }

    private void fail() {
        backlogOverflows.incrementRelease();
        if (phase == RECEIVING) {
            aborted.incrementRelease();
            state.abortInstall();
        }
        record.drop();
        log.clear();
        early.clear();
        phase = FAILED;
    }

    @Override
    public void tick(long now) {
        if (awaitingStatus()) {
            sendStatus();
        }
        if (writer != null) {
            stream();
        }
    }

    /** True while this member's STATUS is owed: it runs the protocol this view and has not cast it yet. */
    private boolean awaitingStatus() {
        return phase != SETTLED && phase != SETTLED_FRESH && !statusSent;
    }

    private void sendStatus() {
        if (ctx.host().isBlocked()) {
            return;
        }
        Event status = ctx.newReliableControlMessage(Event.CAST, Transport.ALL, StatusReports.LENGTH);
        if (status == null) {
            noFrame.incrementRelease();
            return;
        }
        StatusReports.write(record, status.payload.buffer(), status.payload.index(0));
        status.headers = ctx.headerBit();
        statusSent = true;
        ctx.down(status);
    }

    // ------------------------------------------------------------------------------------------ receiving

    private void onXfer(Event event) {
        UnsafeBuffer buffer = event.payload.buffer();
        int at = event.payload.index(0);
        int length = event.payload.length();
        if (state == null || event.unreliable || event.payload.extentCount() != 1 || length < 1) {
            drop(event, malformed);
            return;
        }
        byte kind = buffer.getByte(at);
        if (kind == WireIds.XFER_STATUS && event.type == Event.CAST) {
            boolean taken = reports.read(event.peer, buffer, at, length);
            ctx.release(event);
            if (!taken) {
                malformed.incrementRelease();
            } else if (reports.complete() && phase == WAITING && donor < 0) {
                decide();
            }
        } else if ((kind == WireIds.XFER_CHUNK || kind == WireIds.XFER_END) && event.type == Event.SEND) {
            if (phase == WAITING && donor < 0) {
                // The donor decided first: its sends may overtake the casts this member still waits for.
                boolean kept = early.append(kind, event.peer, event.payload);
                ctx.release(event);
                if (!kept) {
                    fail();
                    throw new IllegalStateException("xfer: more than " + backlogLimit + " bytes of state arrived"
                        + " before " + view.self() + " had every report in view " + view.id() + ": raise"
                        + " xfer(backlog=...)");
                }
                return;
            }
            onTransfer(event.peer, buffer, at, length);
            ctx.release(event);
        } else {
            drop(event, malformed);
        }
    }

    /** A CHUNK or END from {@code from}, once this member knows who the donor is. */
    private void onTransfer(int from, DirectBuffer buffer, int at, int length) {
        byte kind = buffer.getByte(at);
        if (phase == FAILED) {
            droppedWithoutState.incrementRelease();
        } else if (from != donor) {
            forged.incrementRelease();
        } else if (phase != RECEIVING) {
            malformed.incrementRelease();
        } else if (kind == WireIds.XFER_CHUNK) {
            installed += length - 1;
            bytesInstalled.getAndAddRelease(length - 1);
            state.installChunk(buffer, at + 1, length - 1);
        } else if (length != 9 || buffer.getLong(at + 1, WireIds.ORDER) != installed) {
            malformed.incrementRelease();
            aborted.incrementRelease();
            state.abortInstall();
            record.drop();
            log.clear();
            phase = FAILED;
        } else {
            state.endInstall();
            installedCount.incrementRelease();
            settle(keptFresh);
        }
    }

    /** Every member's report is in: the same decision everywhere. */
    private void decide() {
        List<MergePolicy.Side> sides = reports.sides();
        if (sides.isEmpty()) {
            emptyAdopted.incrementRelease();
            if (view.size() > 1) {
                // Routine for a member alone at its start; with others it means every holder of the state is gone.
                LOG.log(System.Logger.Level.WARNING, "member " + view.self() + ": no member of view " + view.id()
                    + " holds a state; all start from an empty one");
            }
            state.beginInstall();
            state.endInstall();
            settle(true);
            return;
        }
        MergePolicy.Side kept = StatusReports.choose(state.mergePolicy(), view, sides);
        donor = kept.lowestRank();
        int me = view.rank();
        boolean keeps = java.util.Arrays.binarySearch(kept.ranks(), me) >= 0;
        if (me == donor && kept.size() < view.size()) {
            startStream(kept);
        }
        keptFresh = kept.fresh();
        if (keeps) {
            settle(keptFresh);
        } else {
            record.drop();
            phase = RECEIVING;
            state.beginInstall();
        }
        early.replay((kind, from, buffer, at, length) -> onTransfer(from, buffer, at, length));
    }

    /** The application holds the view's state: what was held back is delivered, then everything as it comes. */
    private void settle(boolean fresh) {
        boolean casts = log.casts() > 0;
        record.settle(view, fresh && !casts);
        phase = fresh && !casts ? SETTLED_FRESH : SETTLED;
        log.replay(application);
    }

    // ------------------------------------------------------------------------------------------ donating

    private void startStream(MergePolicy.Side kept) {
        int[] keptRanks = kept.ranks();
        receivers = new int[view.size() - keptRanks.length];
        for (int rank = 0, n = 0; rank < view.size(); rank++) {
            if (java.util.Arrays.binarySearch(keptRanks, rank) < 0) {
                receivers[n++] = rank;
            }
        }
        writer = state.snapshot();
        donated.incrementRelease();
        stream();
        ctx.tickSoon();
    }

    /**
     * Sends chunks while the send account is more than half free (the application keeps the rest), then waits
     * for the next tick; ends with END once the writer is exhausted.
     */
    private void stream() {
        FramePool frames = ctx.frames();
        int budget = frames.limit(Account.SEND) / 2;
        while (writer != null && !ctx.host().isBlocked()
            && frames.inUse(Account.SEND) + receivers.length <= budget) {
            int frame = frames.acquire(Account.SEND);
            if (frame == FramePool.NO_FRAME) {
                noFrame.incrementRelease();
                return;
            }
            int at = frames.frameOffset(frame) + frames.headroom();
            int written = exhausted ? 0 : writer.write(frames.buffer(), at + 1, chunkSize);
            if (written <= 0) {
                frames.release(frame);
                exhausted = true;
                if (frames.canAcquire(Account.CONTROL, receivers.length)) {
                    finishStream();
                }
                return;
            }
            frames.buffer().putByte(at, WireIds.XFER_CHUNK);
            for (int i = 0; i < receivers.length; i++) {
                int copy = frame;
                if (i < receivers.length - 1) {
                    copy = frames.acquire(Account.SEND);
                    frames.buffer().putBytes(frames.frameOffset(copy) + frames.headroom(), frames.buffer(), at,
                        written + 1);
                }
                sendFrame(copy, receivers[i], written + 1);
            }
            streamed += written;
            bytesSent.getAndAddRelease(written);
        }
    }

    private void sendFrame(int frame, int rank, int length) {
        Event chunk = ctx.acquire();
        if (chunk == null) {
            ctx.frames().release(frame);
            throw new IllegalStateException("xfer: no event for a chunk of state: the member's event pool is too"
                + " small for its send account");
        }
        chunk.payload.appendOwned(frame, ctx.frames().headroom(), length);
        chunk.type = Event.SEND;
        chunk.peer = rank;
        chunk.headers = ctx.headerBit();
        ctx.down(chunk);
    }

    private void finishStream() {
        for (int rank : receivers) {
            Event end = ctx.newReliableControlMessage(Event.SEND, rank, 9);
            if (end == null) {
                throw new IllegalStateException("xfer: no event for the end of a transfer: the member's event pool is"
                    + " too small");
            }
            UnsafeBuffer buffer = end.payload.buffer();
            int at = end.payload.index(0);
            buffer.putByte(at, WireIds.XFER_END);
            buffer.putLong(at + 1, streamed, WireIds.ORDER);
            end.headers = ctx.headerBit();
            ctx.down(end);
        }
        writer.close();
        writer = null;
    }

    private void drop(Event event, AtomicCounter counter) {
        counter.incrementRelease();
        ctx.release(event);
    }

    /** A transfer cut short by the view's end: the donor drops its snapshot, a receiver starts over next view. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        if (phase == RECEIVING) {
            aborted.incrementRelease();
            phase = FAILED;
            state.abortInstall();
        }
        if (log != null) {
            log.clear();
            early.clear();
        }
    }

    /** True once the application holds this view's state (or the member has no state handler). */
    public boolean settled() {
        return phase == SETTLED || phase == SETTLED_FRESH;
    }

    /** True while this member streams its state to others. */
    public boolean streaming() {
        return writer != null;
    }

    /** State bytes per packet. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public String dump() {
        String[] phases = {"waiting", "receiving", "settled", "failed", "settled fresh"};
        return "xfer " + phases[phase] + " donor=" + donor + " installed=" + installed + " streamed=" + streamed
            + (writer != null ? " streaming" : "") + (log != null ? " held=" + log.entries() : "")
            + (record != null ? " " + record : "");
    }
}
