package io.consort.layers.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.Services;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewHost;
import io.consort.layers.wire.WireIds;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Group membership with virtual synchrony (Ensemble's elect, intra, sync and vsync in one layer; merging lives
 * in {@link MergeRole}). Ends a view when a member is suspected, asks to leave, or a partition is to be merged,
 * and installs the next one so that every member that moves from the old view to the new delivered the same
 * casts in the old.
 *
 * <p><b>Elect.</b> The coordinator is the lowest-ranked member this member does not suspect.
 *
 * <p><b>Flush</b>, run by the coordinator in three steps over reliable point-to-point messages, each answered by
 * every participant (the members not suspected):
 * <ol>
 *   <li>FLUSH names the failed members: participants block the application, stop counting the failed for
 *       stability, and drain: every message they were given in this view goes down into the reliability layers
 *       and everything they sent is acknowledged (DRAINED).</li>
 *   <li>BLOCK, once all have drained: each stops delivering casts and reports how many of each origin's it has
 *       delivered (BLOCK_OK).</li>
 *   <li>CUT: the largest count per origin and a participant that has those casts; each delivers up to it,
 *       asking that participant for what it misses (CUT_DONE).</li>
 * </ol>
 * A participant that does not answer a step within {@code flushTimeout} is taken as failed and the flush starts
 * again with a new attempt number; a coordinator that fails is replaced by the next, which starts its own
 * attempt. The flush never waits on a member that does not answer.
 *
 * <p><b>View.</b> The coordinator announces the next view (survivors, minus leavers, plus a merged partition)
 * to its members by a membership message naming the flush attempt it follows; a member installs it only if it
 * finished that attempt, and acknowledges it. The new view's coordinator repeats the announcement to members
 * that have not acknowledged it; a member that never installs it is suspected in the new view.
 *
 * <p><b>Primary.</b> With {@code quorum > 0}, a view is primary when it holds a majority of the members of the
 * latest primary view its coordinator knows of (its own, or the merged partition's). Before any primary view,
 * a first one needs {@code quorum / 2 + 1} members, all in their first incarnation: processes restarted after
 * every member of the last primary view is gone cannot know it was the last, and stay non-primary (no stable
 * storage).
 *
 * <pre>
 * reliable, within a view:
 *   FLUSH: kind(1) attempt(4) members(1) { failed(1) } * members
 *   DRAINED, BLOCK, CUT_DONE: kind(1) attempt(4)
 *   BLOCK_OK: kind(1) attempt(4) members(1) { delivered(8) } * members
 *   CUT: kind(1) attempt(4) members(1) { target(8) holder(1) } * members
 *   LEAVE: kind(1)
 * membership, between views: see ViewAnnouncer and MergeRole
 * </pre>
 */
public final class Gmp extends Layer {
    /** The incarnation of a process's first start; only these may found the first primary view. */
    public static final int FIRST_INCARNATION = 1;

    private final long tickNanos;
    private final long flushTimeoutNanos;
    private final long mergePeriodNanos;
    private final int quorum;

    private View view;
    private ViewHost host;
    private int me;
    private int size;
    private boolean[] suspected;
    private boolean[] leaving;
    private long now;
    private boolean ticked;

    private long attempt = -1;
    private int flushCoordinator = -1;
    private boolean cutDone;
    private boolean leaveSent;

    private FlushRound round;
    private long highestAttempt;

    private MergeRole merge;
    private ViewAnnouncer announcer;
    private final IntHashSet outsiders = new IntHashSet();

    private AtomicCounter flushesStarted;
    private AtomicCounter flushesRestarted;
    private AtomicCounter membersExcluded;
    private AtomicCounter leaves;
    private AtomicCounter stale;
    private AtomicCounter malformed;
    private AtomicCounter noEvent;

    /**
     * @param tickNanos how often timeouts are checked and announcements repeated
     * @param flushTimeoutNanos how long the coordinator waits for a step of a flush before excluding silent members
     * @param mergePeriodNanos how often a coordinator looks for other partitions
     * @param quorum 0 for no primary rule; else the initial group size that a first primary view needs a majority of
     */
    public Gmp(long tickNanos, long flushTimeoutNanos, long mergePeriodNanos, int quorum) {
        if (tickNanos <= 0 || flushTimeoutNanos <= 0 || mergePeriodNanos <= 0 || quorum < 0) {
            throw new IllegalArgumentException("gmp needs positive tick, timeout and merge period and a quorum of 0 or"
                + " more, had tick=" + tickNanos + "ns timeout=" + flushTimeoutNanos + "ns merge=" + mergePeriodNanos
                + "ns quorum=" + quorum);
        }
        this.tickNanos = tickNanos;
        this.flushTimeoutNanos = flushTimeoutNanos;
        this.mergePeriodNanos = mergePeriodNanos;
        this.quorum = quorum;
    }

    @Override
    public String name() {
        return "gmp";
    }

    @Override
    public int maxHeaderLength() {
        return 0;
    }

    @Override
    public int requiresBelow() {
        return Services.FIFO_CAST | Services.FIFO_SEND | Services.STABILITY | Services.FLOW_CONTROL;
    }

    @Override
    public long tickIntervalNanos() {
        return tickNanos;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        view = context.view();
        host = context.host();
        me = view.rank();
        size = view.size();
        int largest = Math.max(ViewMessage.maxLength(size), 6 + 9 * size);
        if (largest > context.maxFragmentPayload()) {
            throw new IllegalArgumentException("gmp's messages for views of " + size + " members take " + largest
                + " bytes, more than the " + context.maxFragmentPayload() + " one packet carries: lower maxGroupSize"
                + " or use larger frames");
        }
        suspected = new boolean[size];
        leaving = new boolean[size];
        merge = new MergeRole(this, context);
        announcer = new ViewAnnouncer(this, context);
        flushesStarted = context.counter("flushes started");
        flushesRestarted = context.counter("flushes restarted");
        membersExcluded = context.counter("members excluded");
        leaves = context.counter("leaves");
        stale = context.counter("dropped stale");
        malformed = context.counter("dropped malformed");
        noEvent = context.counter("deferred no event");
    }

    View view() {
        return view;
    }

    long now() {
        return now;
    }

    long flushTimeoutNanos() {
        return flushTimeoutNanos;
    }

    long mergePeriodNanos() {
        return mergePeriodNanos;
    }

    ViewHost host() {
        return host;
    }

    IntHashSet outsiders() {
        return outsiders;
    }

    int quorum() {
        return quorum;
    }

    boolean suspects(int rank) {
        return suspected[rank];
    }

    /** The flush attempt this member takes part in, or -1. */
    long attempt() {
        return attempt;
    }

    boolean cutDone() {
        return cutDone;
    }

    /** The members that leave with the next view: participants of the flush that asked to. */
    List<Endpoint> leavers() {
        List<Endpoint> leavers = new ArrayList<>();
        for (int rank = 0; rank < size; rank++) {
            if (leaving[rank] && round.isParticipant(rank)) {
                leavers.add(view.member(rank));
            }
        }
        return leavers;
    }

    /** Installs the next view once the flush is complete. */
    ViewAnnouncer announcer() {
        return announcer;
    }

    boolean isCoordinator() {
        return coordinator() == me;
    }

    /** True while this member coordinates a flush or takes part in one. */
    boolean busy() {
        return round != null || attempt >= 0;
    }

    int coordinator() {
        for (int rank = 0; rank < size; rank++) {
            if (!suspected[rank]) {
                return rank;
            }
        }
        return me;
    }

    // ---------------------------------------------------------------------------------------------- events

    @Override
    public void down(Event event) {
        ctx.down(event);
    }

    @Override
    public void up(Event event) {
        switch (event.type) {
            case Event.CAST:
            case Event.SEND:
                if ((event.headers & ctx.headerBit()) == 0) {
                    ctx.up(event);
                } else {
                    onControl(event);
                }
                return;
            case Event.MEMBERSHIP:
                if ((event.headers & ctx.headerBit()) != 0) {
                    onMembership(event);
                } else {
                    ctx.release(event);
                }
                return;
            case Event.SUSPECT:
                onSuspect(event);
                return;
            case Event.DRAINED:
                ctx.release(event);
                answer(WireIds.GMP_DRAINED, null);
                return;
            case Event.BLOCK_OK:
                answer(WireIds.GMP_BLOCK_OK, event.vector);
                ctx.release(event);
                return;
            case Event.CUT_DONE:
                ctx.release(event);
                cutDone = true;
                answer(WireIds.GMP_CUT_DONE, null);
                return;
            default:
                ctx.up(event);
        }
    }

    @Override
    public void tick(long now) {
        if (!ticked) {
            // Time reaches gmp only with its ticks: deadlines set before the first were counted from 0.
            ticked = true;
            if (round != null && round.deadline != Long.MAX_VALUE) {
                round.deadline += now;
            }
            merge.startClock(now);
        }
        this.now = now;
        if (host == null) {
            return;
        }
        if (host.leaveRequested() && !leaveSent && !leaving[me]) {
            requestLeave();
        }
        if (round != null && round.step != FlushRound.DONE && now > round.deadline) {
            excludeSilent();
        }
        merge.tick(now);
        announcer.repeat();
    }

    private void requestLeave() {
        leaves.incrementRelease();
        if (size == 1 && !busy()) {
            host.left();
            return;
        }
        if (isCoordinator()) {
            leaving[me] = true;
            if (round == null) {
                startFlush();
            }
            return;
        }
        leaveSent = sendControl(coordinator(), WireIds.GMP_LEAVE, 0, null);
    }

    private void onSuspect(Event event) {
        boolean grew = false;
        for (int rank = 0; rank < size; rank++) {
            if (event.vector[rank] != 0 && rank != me && !suspected[rank]) {
                markSuspected(rank);
                grew = true;
            }
        }
        ctx.release(event);
        if (grew) {
            suspicionsGrew();
        }
    }

    /** Marks {@code rank} failed, as a suspicion would. */
    void suspect(int rank) {
        if (rank != me && !suspected[rank]) {
            markSuspected(rank);
            suspicionsGrew();
        }
    }

    /** Suspects {@code rank} (not yet suspected) and tells the host, which logs it. */
    private void markSuspected(int rank) {
        suspected[rank] = true;
        if (host != null) {
            host.suspected(view.member(rank));
        }
    }

    private void suspicionsGrew() {
        if (!isCoordinator()) {
            return;
        }
        if (round == null) {
            startFlush();
            return;
        }
        for (int rank = 0; rank < size; rank++) {
            if (suspected[rank] && round.isParticipant(rank)) {
                flushesRestarted.incrementRelease();
                startFlush();
                return;
            }
        }
    }

    private void excludeSilent() {
        for (int rank = 0; rank < size; rank++) {
            if (round.waitingFor(rank) && rank != me && !suspected[rank]) {
                markSuspected(rank);
            }
        }
        flushesRestarted.incrementRelease();
        startFlush();
    }

    // ----------------------------------------------------------------------------------- coordinator side

    /** Starts a flush attempt (again) over the members not suspected. */
    void startFlush() {
        boolean[] participants = new boolean[size];
        for (int rank = 0; rank < size; rank++) {
            participants[rank] = !suspected[rank];
            if (suspected[rank] && (round == null || round.isParticipant(rank))) {
                membersExcluded.incrementRelease();
            }
        }
        highestAttempt++;
        round = new FlushRound(highestAttempt, participants, now + flushTimeoutNanos);
        flushesStarted.incrementRelease();
        for (int rank = 0; rank < size; rank++) {
            if (participants[rank] && rank != me) {
                sendControl(rank, WireIds.GMP_FLUSH, round.attempt, null);
            }
        }
        onFlushRequest(me, round.attempt);
    }

    private void onAnswer(int from, byte kind, long answerAttempt, long[] delivered) {
        if (round == null || answerAttempt != round.attempt) {
            stale.incrementRelease();
            return;
        }
        int step = kind == WireIds.GMP_DRAINED ? FlushRound.DRAIN : kind == WireIds.GMP_BLOCK_OK ? FlushRound.BLOCK
            : FlushRound.CUT;
        if (step != round.step || !round.isParticipant(from)) {
            stale.incrementRelease();
            return;
        }
        if (kind == WireIds.GMP_BLOCK_OK) {
            round.report(from, delivered, size);
        }
        if (!round.answer(step, from)) {
            return;
        }
        if (step == FlushRound.DRAIN) {
            round.nextStep(FlushRound.BLOCK, now + flushTimeoutNanos);
            toParticipants(WireIds.GMP_BLOCK);
        } else if (step == FlushRound.BLOCK) {
            round.nextStep(FlushRound.CUT, now + flushTimeoutNanos);
            toParticipants(WireIds.GMP_CUT);
        } else {
            round.nextStep(FlushRound.DONE, Long.MAX_VALUE);
            merge.flushDone();
        }
    }

    private void toParticipants(byte kind) {
        long current = round.attempt;
        for (int rank = 0; rank < size; rank++) {
            if (round.isParticipant(rank) && rank != me) {
                sendControl(rank, kind, current, round);
            }
        }
        if (kind == WireIds.GMP_BLOCK) {
            onBlockRequest(me, current);
        } else {
            onCutRequest(me, current, round.target, round.holder);
        }
    }

    /** True once the flush is complete and the next view may be installed. */
    boolean flushComplete() {
        return round != null && round.step == FlushRound.DONE;
    }

    long flushAttempt() {
        return round.attempt;
    }

    /** The members that go on into the next view: the flush's participants that are not leaving. */
    List<Endpoint> survivors() {
        List<Endpoint> survivors = new ArrayList<>();
        for (int rank = 0; rank < size; rank++) {
            if (round.isParticipant(rank) && !leaving[rank]) {
                survivors.add(view.member(rank));
            }
        }
        return survivors;
    }

    // ----------------------------------------------------------------------------------- participant side

    private void onFlushRequest(int from, long requested) {
        if (requested <= attempt || (from != me && suspected[from])) {
            stale.incrementRelease();
            return;
        }
        highestAttempt = Math.max(highestAttempt, requested);
        attempt = requested;
        flushCoordinator = from;
        cutDone = false;
        host.block();
        if (host.leaveRequested() && from != me) {
            leaveSent = sendControl(from, WireIds.GMP_LEAVE, 0, null);
        }
        Event flush = ctx.acquire();
        Event drain = ctx.acquire();
        if (flush == null || drain == null) {
            throw new IllegalStateException("no event for a flush: the member's event reserve is too small");
        }
        flush.type = Event.FLUSH;
        for (int rank = 0; rank < size; rank++) {
            flush.vector[rank] = suspected[rank] ? 1 : 0;
        }
        drain.type = Event.DRAIN;
        ctx.down(flush);
        ctx.down(drain);
    }

    private void onBlockRequest(int from, long requested) {
        if (requested != attempt || from != flushCoordinator) {
            stale.incrementRelease();
            return;
        }
        Event block = ctx.acquire();
        if (block == null) {
            throw new IllegalStateException("no event for a flush: the member's event reserve is too small");
        }
        block.type = Event.BLOCK;
        ctx.down(block);
    }

    private void onCutRequest(int from, long requested, long[] target, long[] holder) {
        if (requested != attempt || from != flushCoordinator) {
            stale.incrementRelease();
            return;
        }
        Event cut = ctx.acquire();
        if (cut == null) {
            throw new IllegalStateException("no event for a flush: the member's event reserve is too small");
        }
        cut.type = Event.CUT;
        System.arraycopy(target, 0, cut.vector, 0, size);
        System.arraycopy(holder, 0, cut.vector2, 0, size);
        ctx.down(cut);
    }

    /** Answers the current step of the flush this member takes part in, to its coordinator. */
    private void answer(byte kind, long[] delivered) {
        if (attempt < 0) {
            return;
        }
        if (flushCoordinator == me) {
            onAnswer(me, kind, attempt, delivered);
            return;
        }
        Event answer = ctx.newReliableControlMessage(Event.SEND, flushCoordinator, 6 + 8 * size);
        if (answer == null) {
            throw new IllegalStateException("no event for a flush answer: the member's event reserve is too small");
        }
        UnsafeBuffer buffer = answer.payload.buffer();
        int at = answer.payload.index(0);
        buffer.putByte(at, kind);
        buffer.putInt(at + 1, (int) attempt, WireIds.ORDER);
        int length = 5;
        if (kind == WireIds.GMP_BLOCK_OK) {
            buffer.putByte(at + 5, (byte) size);
            for (int origin = 0; origin < size; origin++) {
                buffer.putLong(at + 6 + 8 * origin, delivered[origin], WireIds.ORDER);
            }
            length = 6 + 8 * size;
        }
        answer.payload.truncate(length);
        answer.headers = ctx.headerBit();
        answer.urgent = true;
        ctx.down(answer);
    }

    // ------------------------------------------------------------------------------------------ wire

    private boolean sendControl(int rank, byte kind, long attemptNumber, FlushRound cut) {
        int length = kind == WireIds.GMP_LEAVE ? 1 : kind == WireIds.GMP_CUT ? 6 + 9 * size
            : kind == WireIds.GMP_FLUSH ? 6 + size : 5;
        Event message = ctx.newReliableControlMessage(Event.SEND, rank, length);
        if (message == null) {
            noEvent.incrementRelease();
            return false;
        }
        UnsafeBuffer buffer = message.payload.buffer();
        int at = message.payload.index(0);
        buffer.putByte(at, kind);
        if (kind != WireIds.GMP_LEAVE) {
            buffer.putInt(at + 1, (int) attemptNumber, WireIds.ORDER);
        }
        if (kind == WireIds.GMP_FLUSH) {
            buffer.putByte(at + 5, (byte) size);
            for (int r = 0; r < size; r++) {
                buffer.putByte(at + 6 + r, (byte) (suspected[r] ? 1 : 0));
            }
        } else if (kind == WireIds.GMP_CUT) {
            buffer.putByte(at + 5, (byte) size);
            for (int origin = 0; origin < size; origin++) {
                buffer.putLong(at + 6 + 9 * origin, cut.target[origin], WireIds.ORDER);
                buffer.putByte(at + 14 + 9 * origin, (byte) cut.holder[origin]);
            }
        }
        message.headers = ctx.headerBit();
        message.urgent = true;
        ctx.down(message);
        return true;
    }

    private void onControl(Event event) {
        int from = event.peer;
        UnsafeBuffer buffer = event.payload.buffer();
        int length = event.payload.length();
        int at = event.payload.index(0);
        if (event.type != Event.SEND || event.unreliable || event.payload.extentCount() != 1 || length < 1) {
            drop(event);
            return;
        }
        byte kind = buffer.getByte(at);
        if (kind == WireIds.GMP_LEAVE) {
            ctx.release(event);
            leaving[from] = true;
            if (isCoordinator() && round == null) {
                startFlush();
            }
            return;
        }
        if (length < 5) {
            drop(event);
            return;
        }
        long requested = buffer.getInt(at + 1, WireIds.ORDER) & 0xFFFF_FFFFL;
        switch (kind) {
            case WireIds.GMP_FLUSH:
                if (length < 6 + size || (buffer.getByte(at + 5) & 0xFF) != size) {
                    drop(event);
                    return;
                }
                if (buffer.getByte(at + 6 + me) != 0 || suspected[from] || requested <= attempt) {
                    stale.incrementRelease();
                    ctx.release(event);
                    return;
                }
                for (int rank = 0; rank < size; rank++) {
                    if (rank != me && !suspected[rank] && buffer.getByte(at + 6 + rank) != 0) {
                        markSuspected(rank);
                    }
                }
                ctx.release(event);
                onFlushRequest(from, requested);
                return;
            case WireIds.GMP_BLOCK:
                ctx.release(event);
                onBlockRequest(from, requested);
                return;
            case WireIds.GMP_CUT:
                if (length < 6 + 9 * size || (buffer.getByte(at + 5) & 0xFF) != size) {
                    drop(event);
                    return;
                }
                long[] target = new long[size];
                long[] holder = new long[size];
                for (int origin = 0; origin < size; origin++) {
                    target[origin] = buffer.getLong(at + 6 + 9 * origin, WireIds.ORDER);
                    holder[origin] = buffer.getByte(at + 14 + 9 * origin) & 0xFF;
                }
                ctx.release(event);
                onCutRequest(from, requested, target, holder);
                return;
            case WireIds.GMP_BLOCK_OK:
                if (length < 6 + 8 * size || (buffer.getByte(at + 5) & 0xFF) != size) {
                    drop(event);
                    return;
                }
                long[] delivered = new long[size];
                for (int origin = 0; origin < size; origin++) {
                    delivered[origin] = buffer.getLong(at + 6 + 8 * origin, WireIds.ORDER);
                }
                ctx.release(event);
                onAnswer(from, kind, requested, delivered);
                return;
            case WireIds.GMP_DRAINED:
            case WireIds.GMP_CUT_DONE:
                ctx.release(event);
                onAnswer(from, kind, requested, null);
                return;
            default:
                drop(event);
        }
    }

    private void onMembership(Event event) {
        UnsafeBuffer buffer = event.payload.buffer();
        int length = event.payload.length();
        int at = event.payload.index(0);
        if (event.payload.extentCount() != 1 || length < 1) {
            drop(event);
            return;
        }
        Endpoint sender;
        try {
            sender = new Endpoint(event.peer, (int) event.seqno);
        } catch (IllegalArgumentException e) {
            drop(event);
            return;
        }
        byte kind = buffer.getByte(at);
        if (kind == WireIds.GMP_VIEW || kind == WireIds.GMP_VIEW_ACK) {
            boolean wellFormed = announcer.onMessage(sender, kind, buffer, at + 1, length - 1);
            ctx.release(event);
            if (!wellFormed) {
                malformed.incrementRelease();
            }
        } else if (!merge.onMessage(sender, kind, buffer, at + 1, length - 1)) {
            drop(event);
        } else {
            ctx.release(event);
        }
    }

    private void drop(Event event) {
        malformed.incrementRelease();
        ctx.release(event);
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder("gmp ").append(view.id()).append(" attempt=").append(attempt)
            .append(" cutDone=").append(cutDone).append(" coordinator=").append(coordinator());
        if (round != null) {
            out.append(" round=").append(round.attempt).append(" step=").append(round.step);
        }
        out.append(" suspected=");
        for (int rank = 0; rank < size; rank++) {
            if (suspected[rank]) {
                out.append(rank).append(' ');
            }
        }
        return out.append(merge.dump()).toString();
    }
}
