package io.consort.layers.runtime;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.Iovec;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.DeadlineTimerWheel;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One member's duty cycle: poll the transport, take application messages from the ring, fire due layer timers,
 * flush the transport. Runs on an {@code AgentRunner} for real, or is called directly by the simulator.
 */
public final class MemberAgent implements Agent, ControlledMessageHandler, DeadlineTimerWheel.TimerHandler {
    /** Events kept free for the protocol's own messages, so data can never starve them. */
    public static final int EVENT_RESERVE = 64;
    /** Ring message type of a multicast; a send to rank r is {@code SEND_TYPE_BASE + r}. */
    public static final int CAST_TYPE = 1;
    public static final int SEND_TYPE_BASE = 2;
    private static final int MAX_TIMER_CATCH_UP = 4096;

    private final Stack stack;
    private final Transport transport;
    private final PacketHandler bottom;
    private final Layer top;
    private final RingBuffer ring;
    private final NanoClock clock;
    private final MemberConfig config;
    private final FramePool frames;
    private final DeadlineTimerWheel timers;
    private final long[] timerIds;
    private final long[] deadlines;
    private final Iovec staging;
    private final AtomicCounter applicationBlocked;
    private final AtomicCounter dutyCycles;
    private long now;
    private boolean closed;

    public MemberAgent(Stack stack, Transport transport, RingBuffer ring, NanoClock clock, MemberConfig config) {
        this.stack = stack;
        this.transport = transport;
        this.bottom = (PacketHandler) stack.bottom();
        this.top = stack.top();
        this.ring = ring;
        this.clock = clock;
        this.config = config;
        this.frames = stack.frames();
        long resolution = Long.highestOneBit(Math.max(1, config.timerResolutionNanos()));
        this.now = clock.nanoTime();
        this.timers = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, resolution, 256);
        this.timerIds = new long[stack.size()];
        this.deadlines = new long[stack.size()];
        for (int i = 0; i < stack.size(); i++) {
            long interval = stack.layer(i).tickIntervalNanos();
            timerIds[i] = interval > 0 ? timers.scheduleTimer(now + interval) : DeadlineTimerWheel.NULL_DEADLINE;
            deadlines[i] = interval > 0 ? now + interval : Long.MAX_VALUE;
        }
        this.staging = new Iovec(frames, stack.framesPerMessage(stack.maxMessageLength()));
        this.applicationBlocked = stack.counters().counter("member", "application blocked");
        this.dutyCycles = stack.counters().counter("member", "duty cycles");
    }

    @Override
    public String roleName() {
        return "consort-member-" + stack.view().rank();
    }

    @Override
    public int doWork() {
        if (closed) {
            return 0;
        }
        now = clock.nanoTime();
        int work = transport.poll(bottom, config.pollLimit());
        work += ring.controlledRead(this, config.applicationLimit());
        work += pollTimers();
        work += transport.flush();
        dutyCycles.incrementRelease();
        return work;
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
        int perFrame = stack.maxFragmentPayload();
        int needed = stack.framesPerMessage(length);
        boolean large = needed > 1;
        if (!frames.canAcquire(Account.SEND, needed) || stack.events().available() <= EVENT_RESERVE
            || (large && staging.onLoan())) {
            applicationBlocked.incrementRelease();
            return Action.ABORT;
        }
        Event event = stack.events().acquire();
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
        if (msgTypeId == CAST_TYPE) {
            event.type = Event.CAST;
            event.peer = Transport.ALL;
        } else {
            event.type = Event.SEND;
            event.peer = msgTypeId - SEND_TYPE_BASE;
        }
        top.down(event);
        return Action.CONTINUE;
    }

    @Override
    public boolean onTimerExpiry(TimeUnit timeUnit, long now, long timerId) {
        for (int i = 0; i < timerIds.length; i++) {
            if (timerIds[i] == timerId) {
                Layer layer = stack.layer(i);
                long next = this.now + layer.tickIntervalNanos();
                timerIds[i] = timers.scheduleTimer(next);
                deadlines[i] = next;
                layer.tick(this.now);
                return true;
            }
        }
        return true;
    }

    /** The earliest time a layer timer is due: the simulator jumps its clock there when nothing else is due. */
    public long nextDeadline() {
        long earliest = Long.MAX_VALUE;
        for (long deadline : deadlines) {
            earliest = Math.min(earliest, deadline);
        }
        return earliest;
    }

    public Stack stack() {
        return stack;
    }

    public Transport transport() {
        return transport;
    }

    /** Closes the layers (returning what they hold) and the transport. Call on the duty-cycle thread. */
    @Override
    public void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        stack.close();
        transport.close();
    }
}
