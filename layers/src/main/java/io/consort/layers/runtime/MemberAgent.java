package io.consort.layers.runtime;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.Iovec;
import io.consort.iovec.ObjectPool;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One member's duty cycle: poll the transport, fire due layer timers, take application messages from the ring,
 * flush the layers that asked and then the transport. Runs on an {@code AgentRunner} for real, or is called
 * directly by the simulator.
 *
 * <p>The agent is the member across views: it owns the transport, the pools, the counters and the application
 * ring, and holds the stack of the current view. When a membership layer installs a new view, the agent closes
 * the old stack (which returns every frame and event it held) at the end of the duty cycle and builds a fresh
 * stack for the new view.
 *
 * <p>An error thrown inside a duty cycle never escapes it: it is counted ({@code member errors}), recorded once
 * per distinct error with a count in the member's {@link DistinctErrorLog}, handed to the configured
 * {@link MemberConfig#errorHandler} if any, and the next duty cycle runs as usual.
 */
public final class MemberAgent implements Agent, ControlledMessageHandler, DeadlineTimerWheel.TimerHandler,
    ViewHost {
    /** Events kept free for the protocol's own messages, so data can never starve them. */
    public static final int EVENT_RESERVE = 64;
    /** Ring message type of a multicast. */
    public static final int CAST_TYPE = 1;
    /** Ring message type of a send to the endpoint at address a: {@code SEND_TYPE_BASE + a}. */
    public static final int SEND_TYPE_BASE = 2;
    /** A send's ring message starts with the destination's incarnation. */
    public static final int SEND_PREFIX = 4;
    private static final int MAX_TIMER_CATCH_UP = 4096;

    private final Transport transport;
    private final RingBuffer ring;
    private final NanoClock clock;
    private final MemberConfig config;
    private final FramePool frames;
    private final ObjectPool<Event> events;
    private final CounterSet counters;
    private final StackBuilder builder;
    private final MessageHandler handler;
    private final Endpoint self;
    private final int[] seeds;
    private final boolean[] wasInView;
    private final MemberLog log;
    private final DeadlineTimerWheel timers;
    private final AtomicCounter applicationBlocked;
    private final AtomicCounter dutyCycles;
    private final AtomicCounter viewsInstalled;
    private final AtomicCounter sendsToDeparted;
    private final AtomicCounter excludedCount;
    private final AtomicCounter errors;
    private final UnsafeBuffer errorBuffer;
    private final DistinctErrorLog errorLog;
    private Stack stack;
    private PacketHandler bottom;
    private Layer top;
    private long[] timerIds;
    private long[] deadlines;
    private long[] tickIntervals;
    /** The layer whose tick runs now, or -1: its {@link Layer#nextTick} decides, not its {@code tickSoon}. */
    private int ticking = -1;
    private final TickScheduler tickScheduler = this::tickSoon;
    private Iovec staging;
    private View pending;
    private byte[] pendingAnnouncement;
    private byte[] announcement;
    private View lastPrimary;
    private final StateRecord stateRecord = new StateRecord();
    private volatile View current;
    private boolean blocked;
    private volatile boolean leaveRequested;
    private boolean left;
    private boolean excluded;
    private long now;
    private volatile boolean closed;
    private volatile boolean closeRequested;
    private volatile Thread dutyThread;

    public MemberAgent(View first, StackBuilder builder, Transport transport, FramePool frames,
                       ObjectPool<Event> events, CounterSet counters, RingBuffer ring, NanoClock clock,
                       MemberConfig config, MessageHandler handler, int[] seeds, UnsafeBuffer errorBuffer) {
        this.transport = transport;
        this.ring = ring;
        this.clock = clock;
        this.config = config;
        this.frames = frames;
        this.events = events;
        this.counters = counters;
        this.builder = builder;
        this.handler = handler;
        this.self = first.self();
        this.seeds = seeds.clone();
        this.wasInView = new boolean[transport.addressCount()];
        long resolution = Long.highestOneBit(Math.max(1, config.timerResolutionNanos()));
        this.now = clock.nanoTime();
        this.timers = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, resolution, 256);
        this.applicationBlocked = counters.counter("member", "application blocked");
        this.dutyCycles = counters.counter("member", "duty cycles");
        this.viewsInstalled = counters.counter("member", "views installed");
        this.sendsToDeparted = counters.counter("member", "sends to departed endpoints dropped");
        this.errors = counters.counter("member", "errors");
        this.excludedCount = counters.counter("member", "excluded");
        this.errorBuffer = errorBuffer;
        this.errorLog = new DistinctErrorLog(errorBuffer, SystemEpochClock.INSTANCE);
        this.log = new MemberLog(self, frames, events);
        start(first);
    }

    private void start(View view) {
        stack = builder.build(view, this);
        bottom = (PacketHandler) stack.bottom();
        top = stack.top();
        if (staging == null) {
            staging = new Iovec(frames, stack.framesPerMessage(stack.maxMessageLength()));
        }
        timerIds = new long[stack.size()];
        deadlines = new long[stack.size()];
        tickIntervals = new long[stack.size()];
        for (int i = 0; i < stack.size(); i++) {
            long interval = stack.layer(i).tickIntervalNanos();
            tickIntervals[i] = interval;
            timerIds[i] = interval > 0 ? timers.scheduleTimer(now + interval) : DeadlineTimerWheel.NULL_DEADLINE;
            deadlines[i] = interval > 0 ? now + interval : Long.MAX_VALUE;
        }
        stack.ticks = tickScheduler;
        for (int rank = 0; rank < view.size(); rank++) {
            int address = view.member(rank).address();
            if (address < wasInView.length) {
                wasInView[address] = true;
            }
        }
        log.viewInstalled(current, view);
        blocked = false;
        current = view;
        if (view.primary()) {
            lastPrimary = view;
        }
        viewsInstalled.incrementRelease();
        handler.onView(view);
    }

    @Override
    public String roleName() {
        return "consort-member-" + self;
    }

    @Override
    public int doWork() {
        if (closed || left) {
            return 0;
        }
        Thread current = Thread.currentThread();
        if (dutyThread != current) {
            dutyThread = current;
        }
        if (closeRequested) {
            onClose();
            return 1;
        }
        try {
            return dutyCycle();
        } catch (Throwable error) {
            errors.incrementRelease();
            errorLog.record(error);
            log.error(error);
            ErrorHandler handler = config.errorHandler();
            if (handler != null) {
                handler.onError(error);
            }
            return 1;
        }
    }

    /**
     * Work is packets and application messages taken, packets flushed and views switched. Timers that fired are
     * not work: they are due again only later, so an idle member reports 0 and its idle strategy may sleep.
     */
    private int dutyCycle() {
        now = clock.nanoTime();
        int work = transport.poll(bottom, config.pollLimit());
        pollTimers();
        // After the timers: a stability notice they raised may be what opens flow's window for the ring.
        if (!blocked) {
            work += ring.controlledRead(this, config.applicationLimit());
        }
        work += stack.flushLayers();
        work += transport.flush();
        dutyCycles.incrementRelease();
        log.checkPools(now);
        if (pending != null) {
            View next = pending;
            pending = null;
            announcement = pendingAnnouncement;
            switchTo(next);
            work++;
        }
        if (left) {
            if (!excluded) {
                // It took part in the flush to the end: it delivers what the view's rules still deliver.
                stack.endView();
                handler.onLeft();
            }
            stack.close();
            transport.close();
        }
        return work;
    }

    private void switchTo(View next) {
        for (long id : timerIds) {
            if (id != DeadlineTimerWheel.NULL_DEADLINE) {
                timers.cancelTimer(id);
            }
        }
        stack.endView();
        stack.ticks = null;
        stack.close();
        start(next);
    }

    /**
     * Fires every due timer. The wheel looks at one tick per poll and moves on only once that tick is over, so
     * poll once for the current tick, then again for each tick the clock has left behind (the simulator jumps).
     */
    private int pollTimers() {
        int expired = timers.poll(now, this, Integer.MAX_VALUE);
        for (int i = 0; i < MAX_TIMER_CATCH_UP && now >= timers.currentTickTime(); i++) {
            expired += timers.poll(now, this, Integer.MAX_VALUE);
        }
        return expired;
    }

    /** Copies one application message from the ring into send frames and hands it to the top layer. */
    @Override
    public Action onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        int peer = Transport.ALL;
        if (msgTypeId != CAST_TYPE) {
            peer = stack.view().rankOf(msgTypeId - SEND_TYPE_BASE, buffer.getInt(index));
            index += SEND_PREFIX;
            length -= SEND_PREFIX;
            if (peer < 0) {
                sendsToDeparted.incrementRelease();
                return Action.CONTINUE;
            }
        }
        int perFrame = stack.maxFragmentPayload();
        int needed = stack.framesPerMessage(length);
        boolean large = needed > 1;
        if (!frames.canAcquire(Account.SEND, needed) || events.available() <= EVENT_RESERVE
            || (large && staging.onLoan())
            || !stack.admits(peer == Transport.ALL ? Event.CAST : Event.SEND, peer, needed)) {
            applicationBlocked.incrementRelease();
            return Action.ABORT;
        }
        Event event = events.acquire();
        if (large) {
            event.lend(staging);
        }
        int headroom = frames.headroom();
        for (int position = 0, i = 0; i < needed; i++) {
            int chunk = Math.min(perFrame, length - position);
            int frame = frames.acquire(Account.SEND);
            frames.buffer().putBytes(frames.frameOffset(frame) + headroom, buffer, index + position, chunk);
            event.payload.appendOwned(frame, headroom, chunk);
            position += chunk;
        }
        event.type = peer == Transport.ALL ? Event.CAST : Event.SEND;
        event.peer = peer;
        top.down(event);
        return Action.CONTINUE;
    }

    @Override
    public boolean onTimerExpiry(TimeUnit timeUnit, long now, long timerId) {
        for (int i = 0; i < timerIds.length; i++) {
            if (timerIds[i] == timerId) {
                Layer layer = stack.layer(i);
                timerIds[i] = DeadlineTimerWheel.NULL_DEADLINE;
                deadlines[i] = Long.MAX_VALUE;
                ticking = i;
                try {
                    layer.tick(this.now);
                } finally {
                    ticking = -1;
                    scheduleTick(i, layer.nextTick(this.now));
                }
                return true;
            }
        }
        return true;
    }

    /** Schedules the tick of layer {@code i} at {@code at}, or none for {@link Long#MAX_VALUE}. */
    private void scheduleTick(int i, long at) {
        if (at == Long.MAX_VALUE) {
            return;
        }
        long due = Math.max(at, now + 1);
        timerIds[i] = timers.scheduleTimer(due);
        deadlines[i] = due;
    }

    /** Brings the tick of layer {@code index} forward to within its interval: it has work again. */
    private void tickSoon(int index) {
        long due = now + tickIntervals[index];
        if (index == ticking || deadlines[index] <= due || tickIntervals[index] <= 0) {
            return;
        }
        if (timerIds[index] != DeadlineTimerWheel.NULL_DEADLINE) {
            timers.cancelTimer(timerIds[index]);
        }
        timerIds[index] = timers.scheduleTimer(due);
        deadlines[index] = due;
    }

    /** The earliest time a layer timer is due: the simulator jumps its clock there when nothing else is due. */
    public long nextDeadline() {
        if (closed || left) {
            return Long.MAX_VALUE;
        }
        long earliest = Long.MAX_VALUE;
        for (long deadline : deadlines) {
            earliest = Math.min(earliest, deadline);
        }
        return earliest;
    }

    @Override
    public Endpoint self() {
        return self;
    }

    @Override
    public int[] seeds() {
        return seeds;
    }

    @Override
    public boolean wasInView(int address) {
        return address >= 0 && address < wasInView.length && wasInView[address];
    }

    @Override
    public void install(View next, byte[] announcement) {
        if (next.rankOf(self) != next.rank()) {
            throw new IllegalArgumentException("a view to install must name this member " + self + " at its rank: "
                + next);
        }
        pending = next;
        pendingAnnouncement = announcement;
    }

    @Override
    public byte[] announcement() {
        return announcement;
    }

    @Override
    public void block() {
        if (!blocked) {
            blocked = true;
            handler.onBlock();
        }
    }

    /** True once the application asked to leave and every message it offered before has gone into the stack. */
    @Override
    public boolean leaveRequested() {
        return leaveRequested && ring.size() == 0;
    }

    /** True once the application has asked to leave. */
    public boolean leaving() {
        return leaveRequested;
    }

    /** Asks the group to let this member go; any thread. The member stops once a view without it is agreed. */
    public void requestLeave() {
        leaveRequested = true;
    }

    @Override
    public void left() {
        left = true;
        log.left(current);
    }

    @Override
    public void excluded() {
        if (!left) {
            left = true;
            excluded = true;
            excludedCount.incrementRelease();
            log.excluded(current);
            handler.onExcluded();
        }
    }

    @Override
    public void suspected(Endpoint member) {
        log.suspected(current, member);
    }

    /** True if this member stopped because the group went on without it. */
    public boolean wasExcluded() {
        return excluded;
    }

    /** True once this member has left the group. */
    public boolean hasLeft() {
        return left;
    }

    @Override
    public View lastPrimary() {
        return lastPrimary;
    }

    @Override
    public MessageHandler application() {
        return handler;
    }

    @Override
    public StateRecord stateRecord() {
        return stateRecord;
    }

    /** The view installed last; readable from any thread. */
    public View view() {
        return current;
    }

    /** The distinct errors of this member's duty cycles, for {@code org.agrona.concurrent.errors.ErrorLogReader}. */
    public UnsafeBuffer errorLog() {
        return errorBuffer;
    }

    @Override
    public boolean isBlocked() {
        return blocked;
    }

    public Stack stack() {
        return stack;
    }

    public ObjectPool<Event> events() {
        return events;
    }

    public CounterSet counters() {
        return counters;
    }

    public Transport transport() {
        return transport;
    }

    /** The thread that ran the last duty cycle, or null if none has run. */
    public Thread dutyThread() {
        return dutyThread;
    }

    /** Asks the duty-cycle thread to close the member at its next duty cycle; any thread. */
    public void requestClose() {
        closeRequested = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the layers (returning what they hold) and the transport. Call on the duty-cycle thread. */
    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        if (!left) {
            stack.close();
            transport.close();
        }
    }
}
