package io.consort.sim.net;

/**
 * Shape of a {@link SimNetwork}: how many members, the seed of its one random source, the largest packet,
 * how many packets it can hold at once, each member's receive queue, and the link every pair starts with.
 */
public final class SimNetworkConfig {
    /** UDP payload over a 1500-byte Ethernet MTU. */
    public static final int DEFAULT_MAX_PACKET_LENGTH = 1472;

    private int members;
    private long seed;
    private int maxPacketLength = DEFAULT_MAX_PACKET_LENGTH;
    private int inFlightCapacity = 8192;
    private int receiveQueueCapacity = 1024;
    private long startNanos;
    private LinkConfig defaultLink = new LinkConfig();

    public SimNetworkConfig(int members, long seed) {
        this.members = members;
        this.seed = seed;
    }

    public SimNetworkConfig members(int members) {
        this.members = members;
        return this;
    }

    public SimNetworkConfig seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Largest packet a member may send, bottom header included. */
    public SimNetworkConfig maxPacketLength(int maxPacketLength) {
        this.maxPacketLength = maxPacketLength;
        return this;
    }

    /**
     * Packets the network holds at once, on the wire and in receive queues together; beyond it sends are
     * dropped as {@link DropReason#NETWORK_FULL}. Memory is this many slots of {@code maxPacketLength}.
     */
    public SimNetworkConfig inFlightCapacity(int packets) {
        this.inFlightCapacity = packets;
        return this;
    }

    /** Packets that may wait for a member to poll (its NIC ring); beyond it arrivals are dropped. */
    public SimNetworkConfig receiveQueueCapacity(int packets) {
        this.receiveQueueCapacity = packets;
        return this;
    }

    /** Virtual time at which the run starts. */
    public SimNetworkConfig startNanos(long startNanos) {
        this.startNanos = startNanos;
        return this;
    }

    /** The link every ordered pair of members starts with; copied when the network is built. */
    public SimNetworkConfig defaultLink(LinkConfig link) {
        this.defaultLink = link;
        return this;
    }

    public int members() {
        return members;
    }

    public long seed() {
        return seed;
    }

    public int maxPacketLength() {
        return maxPacketLength;
    }

    public int inFlightCapacity() {
        return inFlightCapacity;
    }

    public int receiveQueueCapacity() {
        return receiveQueueCapacity;
    }

    public long startNanos() {
        return startNanos;
    }

    public LinkConfig defaultLink() {
        return defaultLink;
    }

    /** Fails with a message saying what to change when the shape is impossible. */
    public void validate() {
        if (members <= 0) {
            throw new IllegalArgumentException("members must be positive, was " + members);
        }
        if (maxPacketLength <= 0) {
            throw new IllegalArgumentException("maxPacketLength must be positive, was " + maxPacketLength);
        }
        if (inFlightCapacity <= 0 || receiveQueueCapacity <= 0) {
            throw new IllegalArgumentException("inFlightCapacity and receiveQueueCapacity must be positive, were "
                + inFlightCapacity + " and " + receiveQueueCapacity);
        }
        defaultLink.validate();
    }
}
