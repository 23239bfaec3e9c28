package io.consort.cli.tools;

import java.io.PrintStream;

/**
 * Prints a line per second with packets/s and Gb/s, and at the end one {@code RESULT} line that scripts parse:
 * {@code RESULT <tool> pps=<n> gbps=<n> packets=<n> seconds=<n>}, averaged over the time after the warm-up.
 */
final class RateReporter {
    private final String tool;
    private final PrintStream out;
    private final long startNanos;
    private final long warmupEndNanos;
    private final long measureNanos;
    private long endNanos = Long.MAX_VALUE;
    private long lastNanos;
    private long lastPackets;
    private long lastBytes;
    private long warmupPackets = -1;
    private long warmupBytes;
    private long warmupEndAt;
    private long packets;
    private long bytes;
    private String extra = "";

    /** Measures for {@code seconds} after {@code warmupSeconds}; {@code seconds <= 0} runs until stopped. */
    RateReporter(String tool, PrintStream out, int warmupSeconds, int seconds) {
        this.tool = tool;
        this.out = out;
        this.startNanos = System.nanoTime();
        this.lastNanos = startNanos;
        this.warmupEndNanos = startNanos + warmupSeconds * 1_000_000_000L;
        this.measureNanos = seconds <= 0 ? Long.MAX_VALUE : seconds * 1_000_000_000L;
        if (warmupSeconds <= 0) {
            markWarm(startNanos);
        }
    }

    /** Measurement starts now: counts so far are warm-up, the measured time runs from here. */
    private void markWarm(long now) {
        warmupPackets = packets;
        warmupBytes = bytes;
        warmupEndAt = now;
        endNanos = measureNanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + measureNanos;
    }

    void add(long packetCount, long byteCount) {
        packets += packetCount;
        bytes += byteCount;
    }

    /** Text appended to the per-second line, for example kernel drop counters. */
    void extra(String text) {
        this.extra = text;
    }

    /** True when the next {@link #tick()} prints a line: the moment to refresh {@link #extra(String)}. */
    boolean due() {
        return System.nanoTime() - lastNanos >= 1_000_000_000L;
    }

    /** Prints the per-second line when a second passed; false once the measurement time is over. */
    boolean tick() {
        long now = System.nanoTime();
        if (warmupPackets < 0 && now >= warmupEndNanos) {
            markWarm(now);
        }
        if (now - lastNanos < 1_000_000_000L) {
            return now < endNanos;
        }
        double seconds = (now - lastNanos) / 1e9;
        out.printf("[%s] %.3f Mpps %.3f Gb/s total %d %s%n", tool, (packets - lastPackets) / seconds / 1e6,
            (bytes - lastBytes) * 8 / seconds / 1e9, packets, extra);
        lastNanos = now;
        lastPackets = packets;
        lastBytes = bytes;
        return now < endNanos;
    }

    long packets() {
        return packets;
    }

    /** Prints the RESULT line. */
    void finish() {
        long now = System.nanoTime();
        long from = warmupPackets < 0 ? 0 : warmupPackets;
        long fromBytes = warmupPackets < 0 ? 0 : warmupBytes;
        long fromNanos = warmupPackets < 0 ? startNanos : warmupEndAt;
        double seconds = Math.max(1e-9, (now - fromNanos) / 1e9);
        out.printf("RESULT %s pps=%.0f gbps=%.3f packets=%d seconds=%.2f %s%n", tool, (packets - from) / seconds,
            (bytes - fromBytes) * 8 / seconds / 1e9, packets, seconds, extra);
    }
}
