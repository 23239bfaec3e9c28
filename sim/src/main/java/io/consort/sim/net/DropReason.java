package io.consort.sim.net;

/**
 * Why the simulated network lost a packet. Each reason is a counter of the member it is charged to: the sender
 * for what happens on the way out, the receiver for what happens on arrival (see {@link SimNetwork}).
 */
public enum DropReason {
    /** The link lost it at random (charged to the sender). */
    LOSS("loss"),
    /** The two members were in different partitions when it left or when it arrived. */
    PARTITION("partition"),
    /** The sender or the receiver was crashed. */
    CRASHED("crashed"),
    /** The receiver's bounded receive queue (its NIC ring) was full when it arrived. */
    RX_QUEUE_FULL("rx queue full"),
    /** The receiver's frame pool had no receive frame when it polled. */
    RX_POOL_EMPTY("rx pool empty"),
    /** Every in-flight slot of the network was taken (charged to the sender). */
    NETWORK_FULL("network full"),
    /** Longer than the network's largest packet. */
    OVERSIZED("oversized"),
    /** The link's send backlog was already longer than its limit (charged to the sender). */
    LINK_FULL("link full");

    private static final DropReason[] VALUES = values();

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The counter name, as in {@code "transport dropped <label>"}. */
    public String label() {
        return label;
    }

    static int count() {
        return VALUES.length;
    }

    static DropReason of(int ordinal) {
        return VALUES[ordinal];
    }
}
