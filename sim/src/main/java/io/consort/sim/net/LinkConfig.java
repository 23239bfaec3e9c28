package io.consort.sim.net;

/**
 * The faults and limits of a simulated link, the one-way path from one member to another. Mutable and fluent
 * like the other configs; a {@link SimNetwork} copies the values when a link is configured, so one config can
 * be reused for many links.
 *
 * <p>Every packet takes {@code baseDelay} plus a uniform draw from {@code [0, jitter]}, so a jitter larger than
 * the gap between two packets reorders them. With probability {@code reorder} a packet is held back a further
 * uniform draw from {@code [0, reorderDelay]}, which makes rarer, larger reorderings. With a bandwidth, a
 * packet must first wait for the link to finish sending the ones before it, then takes
 * {@code length / bandwidth} seconds to go out.
 */
public final class LinkConfig {
    /** Bandwidth meaning the link serialises packets in no time. */
    public static final long UNLIMITED_BANDWIDTH = 0;
    /** Backlog limit meaning a link queues whatever it is given. */
    public static final long UNLIMITED_BACKLOG = Long.MAX_VALUE;
    public static final long DEFAULT_BASE_DELAY_NANOS = 50_000;

    private double loss;
    private double duplicate;
    private long baseDelayNanos = DEFAULT_BASE_DELAY_NANOS;
    private long jitterNanos;
    private double reorder;
    private long reorderDelayNanos;
    private long bandwidthBytesPerSecond = UNLIMITED_BANDWIDTH;
    private long backlogLimitNanos = UNLIMITED_BACKLOG;

    /** A loss-free link with {@value #DEFAULT_BASE_DELAY_NANOS} ns of delay and no bandwidth limit. */
    public LinkConfig() {
    }

    public LinkConfig(LinkConfig other) {
        this.loss = other.loss;
        this.duplicate = other.duplicate;
        this.baseDelayNanos = other.baseDelayNanos;
        this.jitterNanos = other.jitterNanos;
        this.reorder = other.reorder;
        this.reorderDelayNanos = other.reorderDelayNanos;
        this.bandwidthBytesPerSecond = other.bandwidthBytesPerSecond;
        this.backlogLimitNanos = other.backlogLimitNanos;
    }

    /** Probability in [0, 1] that a packet is lost. */
    public LinkConfig loss(double probability) {
        this.loss = probability;
        return this;
    }

    /** Probability in [0, 1] that a packet that got through arrives twice. */
    public LinkConfig duplicate(double probability) {
        this.duplicate = probability;
        return this;
    }

    /** Propagation delay: base plus a uniform draw from [0, jitter]. */
    public LinkConfig delay(long baseNanos, long jitterNanos) {
        this.baseDelayNanos = baseNanos;
        this.jitterNanos = jitterNanos;
        return this;
    }

    /** With {@code probability}, a packet is held back a further uniform draw from [0, extraDelayNanos]. */
    public LinkConfig reorder(double probability, long extraDelayNanos) {
        this.reorder = probability;
        this.reorderDelayNanos = extraDelayNanos;
        return this;
    }

    /** Bytes per second the link can send, or {@link #UNLIMITED_BANDWIDTH}. */
    public LinkConfig bandwidth(long bytesPerSecond) {
        this.bandwidthBytesPerSecond = bytesPerSecond;
        return this;
    }

    /**
     * Longest a packet may wait for the link to be free before it is dropped as {@link DropReason#LINK_FULL}
     * (a router's bounded queue); only matters with a bandwidth limit.
     */
    public LinkConfig backlogLimit(long nanos) {
        this.backlogLimitNanos = nanos;
        return this;
    }

    public double loss() {
        return loss;
    }

    public double duplicate() {
        return duplicate;
    }

    public long baseDelayNanos() {
        return baseDelayNanos;
    }

    public long jitterNanos() {
        return jitterNanos;
    }

    public double reorder() {
        return reorder;
    }

    public long reorderDelayNanos() {
        return reorderDelayNanos;
    }

    public long bandwidthBytesPerSecond() {
        return bandwidthBytesPerSecond;
    }

    public long backlogLimitNanos() {
        return backlogLimitNanos;
    }

    /** Fails with a message naming the bad value. */
    public void validate() {
        checkProbability("loss", loss);
        checkProbability("duplicate", duplicate);
        checkProbability("reorder", reorder);
        if (baseDelayNanos < 0 || jitterNanos < 0 || reorderDelayNanos < 0) {
            throw new IllegalArgumentException("delays must not be negative: base " + baseDelayNanos + ", jitter "
                + jitterNanos + ", reorder " + reorderDelayNanos);
        }
        if (jitterNanos == Long.MAX_VALUE || reorderDelayNanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("jitter and reorder delay must be below Long.MAX_VALUE");
        }
        if (bandwidthBytesPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth must be positive or UNLIMITED_BANDWIDTH, was "
                + bandwidthBytesPerSecond);
        }
        if (backlogLimitNanos < 0) {
            throw new IllegalArgumentException("backlog limit must not be negative, was " + backlogLimitNanos);
        }
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(name + " probability must be in [0, 1], was " + p);
        }
    }

    @Override
    public String toString() {
        return "LinkConfig(loss " + loss + ", duplicate " + duplicate + ", delay " + baseDelayNanos + "+"
            + jitterNanos + " ns, reorder " + reorder + " up to " + reorderDelayNanos + " ns, bandwidth "
            + (bandwidthBytesPerSecond == UNLIMITED_BANDWIDTH ? "unlimited" : bandwidthBytesPerSecond + " B/s")
            + ")";
    }
}
