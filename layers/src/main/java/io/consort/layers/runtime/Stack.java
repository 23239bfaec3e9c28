package io.consort.layers.runtime;

import io.consort.iovec.FramePool;
import io.consort.iovec.ObjectPool;
import java.util.List;

/**
 * The layers of one member, wired together: index 0 is the bottom (next to the transport), the last index is
 * the top (next to the application). Checks the order of the layers when built and owns the event pool.
 */
public final class Stack {
    final Layer[] layers;
    final LayerContext[] contexts;
    final FramePool frames;
    final ObjectPool<Event> events;
    final View view;
    final ViewHost host;
    final CounterSet counters;
    final int maxFragmentPayload;
    final int maxMessageLength;
    final int maxGroupSize;
    private final int fingerprint;
    /** Bit i set: layer i asked for {@link Layer#flush()} at the end of this duty cycle. */
    int flushRequests;
    /** Fires the layers' ticks: set by the member that runs the stack, null for a stack no member runs. */
    TickScheduler ticks;

    /**
     * @param bottomUp the layers from the bottom (the transport adapter) to the top (the application adapter)
     * @param maxGroupSize the largest view the member may be in: the length of its events' vectors
     * @param transportHeadroom bytes the transport writes in front of each packet
     * @param maxPacketLength the largest packet, headers included, the transport carries
     */
    public Stack(List<Layer> bottomUp, View view, ViewHost host, FramePool frames, ObjectPool<Event> events,
                 int maxGroupSize, MemberConfig config, CounterSet counters, int transportHeadroom,
                 int maxPacketLength) {
        if (bottomUp.size() < 2 || bottomUp.size() > 16) {
            throw new IllegalArgumentException("a stack has 2 to 16 layers (bottom and top included), not "
                + bottomUp.size());
        }
        this.layers = bottomUp.toArray(new Layer[0]);
        this.view = view;
        this.host = host;
        this.frames = frames;
        this.events = events;
        this.maxGroupSize = maxGroupSize;
        this.counters = counters;
        this.maxMessageLength = config.maxMessageLength();
        checkOrder(layers);
        int headers = 0;
        for (Layer layer : layers) {
            headers += layer.maxHeaderLength();
        }
        int needHeadroom = transportHeadroom + headers;
        if (frames.headroom() < needHeadroom) {
            throw new IllegalArgumentException("frame headroom " + frames.headroom() + " is too small: the transport"
                + " needs " + transportHeadroom + " and the layers up to " + headers + " bytes; set the frame pool"
                + " headroom to at least " + needHeadroom);
        }
        this.maxFragmentPayload = Math.min(frames.payloadCapacity(), maxPacketLength - headers);
        if (maxFragmentPayload < 64) {
            throw new IllegalArgumentException("only " + maxFragmentPayload + " payload bytes fit a packet; use"
                + " larger frames or a transport with a larger MTU");
        }
        if (!hasFragmentation() && maxMessageLength > maxFragmentPayload) {
            throw new IllegalArgumentException("maxMessageLength " + maxMessageLength + " exceeds the "
                + maxFragmentPayload + " bytes one packet carries, and the stack has no frag layer: add frag to the"
                + " stack or lower maxMessageLength");
        }
        this.contexts = new LayerContext[layers.length];
        for (int i = 0; i < layers.length; i++) {
            contexts[i] = new LayerContext(this, i);
        }
        for (int i = 0; i < layers.length; i++) {
            contexts[i].below = i > 0 ? layers[i - 1] : null;
            contexts[i].above = i < layers.length - 1 ? layers[i + 1] : null;
        }
        this.fingerprint = fingerprintOf(layers);
        for (int i = 0; i < layers.length; i++) {
            layers[i].init(contexts[i]);
        }
    }

    /** The member's event pool, whose events carry vectors for groups of up to {@code maxGroupSize}. */
    public static ObjectPool<Event> eventPool(MemberConfig config, FramePool frames, int maxGroupSize) {
        return new ObjectPool<>("event", config.eventCount(), i -> new Event(i, frames, maxGroupSize),
            config.frames().leakDetection());
    }

    private boolean hasFragmentation() {
        for (Layer layer : layers) {
            if ((layer.provides() & Services.FRAGMENTATION) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Fails with a message naming the layer and what it lacks when the order is impossible. */
    public static void checkOrder(Layer[] layers) {
        for (int i = 0; i < layers.length; i++) {
            int below = 0;
            for (int j = 0; j < i; j++) {
                below |= layers[j].provides();
            }
            int above = 0;
            for (int j = i + 1; j < layers.length; j++) {
                above |= layers[j].provides();
            }
            int missingBelow = layers[i].requiresBelow() & ~below;
            if (missingBelow != 0) {
                throw new IllegalArgumentException("layer '" + layers[i].name() + "' needs " + Services.describe(
                    missingBelow) + " from a layer below it: " + describeOrder(layers)
                    + "; move the layer that provides it below '" + layers[i].name() + "' or add it");
            }
            int missingAbove = layers[i].requiresAbove() & ~above;
            if (missingAbove != 0) {
                throw new IllegalArgumentException("layer '" + layers[i].name() + "' needs " + Services.describe(
                    missingAbove) + " from a layer above it: " + describeOrder(layers)
                    + "; move the layer that provides it above '" + layers[i].name() + "' or add it");
            }
        }
    }

    /** The stack written top to bottom, as in a stack description: {@code "top:frag:...:bottom"}. */
    public static String describeOrder(Layer[] layers) {
        StringBuilder out = new StringBuilder();
        for (int i = layers.length - 1; i >= 0; i--) {
            out.append(layers[i].name()).append(i > 0 ? ":" : "");
        }
        return out.toString();
    }

    /** A hash of the layer names in order: members whose stacks differ drop each other's packets. */
    static int fingerprintOf(Layer[] layers) {
        int hash = 0x2545F491;
        for (Layer layer : layers) {
            String name = layer.name();
            for (int c = 0; c < name.length(); c++) {
                hash = (hash ^ name.charAt(c)) * 0x01000193;
            }
            hash = (hash ^ '|') * 0x01000193;
        }
        return hash;
    }

    public int fingerprint() {
        return fingerprint;
    }

    /** Header bits of every layer in the stack. */
    public int validHeaderBits() {
        return (1 << layers.length) - 1;
    }

    public Layer bottom() {
        return layers[0];
    }

    public Layer top() {
        return layers[layers.length - 1];
    }

    public int size() {
        return layers.length;
    }

    public Layer layer(int index) {
        return layers[index];
    }

    public LayerContext context(int index) {
        return contexts[index];
    }

    public FramePool frames() {
        return frames;
    }

    public ObjectPool<Event> events() {
        return events;
    }

    public View view() {
        return view;
    }

    public ViewHost host() {
        return host;
    }

    public CounterSet counters() {
        return counters;
    }

    public int maxFragmentPayload() {
        return maxFragmentPayload;
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** Frames, hence packets, a message of {@code length} bytes takes: at least one. */
    public int framesPerMessage(int length) {
        return length == 0 ? 1 : (length + maxFragmentPayload - 1) / maxFragmentPayload;
    }

    /** True if every layer {@link Layer#admits} the application's next message. */
    public boolean admits(int type, int peer, int packets) {
        for (Layer layer : layers) {
            if (!layer.admits(type, peer, packets)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the {@link Layer#flush()} of every layer that asked for one, top first, until none asks again (a flush
     * may send what makes another layer ask); returns how many ran.
     */
    public int flushLayers() {
        int ran = 0;
        while (flushRequests != 0) {
            int index = 31 - Integer.numberOfLeadingZeros(flushRequests);
            flushRequests &= ~(1 << index);
            layers[index].flush();
            ran++;
        }
        return ran;
    }

    /** Tells every layer, top first, that the view is over: see {@link Layer#endView()}. */
    public void endView() {
        for (int i = layers.length - 1; i >= 0; i--) {
            layers[i].endView();
        }
    }

    /** Closes every layer, top first, so that buffered frames and events go back to their pools. */
    public void close() {
        for (int i = layers.length - 1; i >= 0; i--) {
            layers[i].close();
        }
    }

    @Override
    public String toString() {
        return describeOrder(layers);
    }
}
