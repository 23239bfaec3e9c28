package io.consort.layers.runtime;

/**
 * What a layer offers to the layers above it and needs from its neighbours, as bit flags. The stack checks them
 * when it is built (JGroups' sanity check), so an impossible order fails at start with a message, not later.
 */
public final class Services {
    /** Multicasts delivered exactly once, in each sender's order. */
    public static final int FIFO_CAST = 1;
    /** Point-to-point messages delivered exactly once, in order. */
    public static final int FIFO_SEND = 1 << 1;
    /** STABLE events: what every member has delivered. */
    public static final int STABILITY = 1 << 2;
    /** ACKED events: what each peer has received of our sends. */
    public static final int ACKS = 1 << 3;
    /** Bounded outstanding messages per sender. */
    public static final int FLOW_CONTROL = 1 << 4;
    /** Messages larger than one packet. */
    public static final int FRAGMENTATION = 1 << 5;
    /** Multicasts delivered in the same order at every member. */
    public static final int TOTAL_ORDER = 1 << 6;

    private static final String[] NAMES = {
        "FIFO multicast", "FIFO point-to-point", "stability", "acknowledgements", "flow control", "fragmentation",
        "total order"};

    private Services() {
    }

    public static String describe(int services) {
        StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((services & (1 << bit)) != 0) {
                out.append(out.length() == 0 ? "" : ", ").append(NAMES[bit]);
            }
        }
        return out.toString();
    }
}
