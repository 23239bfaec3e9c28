package io.consort.layers.runtime;

/**
 * One micro-protocol in a stack, in the Ensemble mould: it sees events coming up from the layer below and down
 * from the layer above, keeps its own state and its own header, and knows nothing of its neighbours.
 *
 * <p>A layer is deterministic: no threads, locks, clocks or randomness of its own. Time reaches it only as the
 * {@code now} of {@link #tick(long)}, called every {@link #tickIntervalNanos()} of the member's clock (virtual
 * in the simulator, real otherwise) while it has work, and as rarely as {@link #nextTick(long)} says when it has
 * none: an idle member should cost next to nothing.
 */
public abstract class Layer implements StackShape {
    protected LayerContext ctx;

    /** The name stacks are written with, e.g. {@code "mnak"}. */
    public abstract String name();

    /** Bytes this layer may push in front of a packet, at most; 0 if it never pushes a header. */
    public abstract int maxHeaderLength();

    /** Called once when the stack is built, before any event. Register counters here. */
    public void init(LayerContext context) {
        this.ctx = context;
    }

    /** An event from the layer below. */
    public abstract void up(Event event);

    /** An event from the layer above. */
    public abstract void down(Event event);

    /** Period of {@link #tick(long)} in nanoseconds while the layer has work, or 0 for a layer without timers. */
    public long tickIntervalNanos() {
        return 0;
    }

    /** Periodic timer: retransmit, gossip, expire. {@code now} is the member's clock. */
    public void tick(long now) {
    }

    /**
     * When the tick after the one at {@code now} is due, asked after every tick: {@code now +}
     * {@link #tickIntervalNanos()} while the layer has work (the default), later to back off while it has none,
     * {@link Long#MAX_VALUE} for no tick until {@link LayerContext#tickSoon()} asks for one again. A layer that
     * backs off calls {@code tickSoon()} whenever work comes up between ticks.
     */
    public long nextTick(long now) {
        return now + tickIntervalNanos();
    }

    /**
     * Whether the application's next message may enter the stack now: a {@link Event#CAST} to all, or a
     * {@link Event#SEND} to rank {@code peer}, taking {@code packets} packets. A layer that would have to hold it
     * back (flow control with a full window) says no, and the message waits in the application's ring, where a
     * view change finds it unsent rather than half-way down a stack that cannot drain.
     */
    public boolean admits(int type, int peer, int packets) {
        return true;
    }

    /**
     * Called at the end of a duty cycle after {@link LayerContext#flushSoon()} asked for it: a layer that gathers
     * work during a cycle (a sequencer's ordering decisions) sends it here, once per cycle, with no timer and so
     * no added latency when the member is idle.
     */
    public void flush() {
    }

    /**
     * The view is over and the next one is about to be installed: pass up whatever the view's rules still
     * deliver (a total-order layer delivers its unordered casts in an order every survivor shares). Called on
     * every layer, top first, after the flush that ended the view and before {@link #close()}; not called when
     * the member leaves or is excluded.
     */
    public void endView() {
    }

    /**
     * The most frames received from the network this layer can hold at once (out-of-order and reassembly
     * buffers). The member checks that its receive account covers the sum, so receiving never deadlocks.
     */
    public int maxReceiveFramesHeld() {
        return 0;
    }

    /** The most events this layer can hold at once, beyond those holding send frames. */
    public int maxEventsHeld() {
        return 0;
    }

    /** Frames and events this layer holds, returned when the member closes. */
    public void close() {
    }

    /** A one-line description of the layer's state, for debugging. */
    public String dump() {
        return name();
    }
}
