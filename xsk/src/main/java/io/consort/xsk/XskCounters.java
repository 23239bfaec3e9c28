package io.consort.xsk;

/** What the Java side of one socket did, counted as it happens (plain fields: one thread owns a socket). */
public final class XskCounters {
    long rxPackets;
    long rxBytes;
    long txPackets;
    long txBytes;
    long completions;
    long txRingFull;
    long kicks;
    long kickRetries;
    long rxWakeups;
    long fillShortOfFrames;

    public long rxPackets() {
        return rxPackets;
    }

    public long rxBytes() {
        return rxBytes;
    }

    /** Descriptors placed on the tx ring. */
    public long txPackets() {
        return txPackets;
    }

    public long txBytes() {
        return txBytes;
    }

    /** Sent frames the kernel returned through the completion ring and we gave back to the pool. */
    public long completions() {
        return completions;
    }

    /** Times a send found no room on the tx ring for all it was given. */
    public long txRingFull() {
        return txRingFull;
    }

    /** {@code sendto} system calls made to start transmission. */
    public long kicks() {
        return kicks;
    }

    /** Kicks that returned EAGAIN/EBUSY/ENOBUFS: the kernel was busy, it is retried on the next kick. */
    public long kickRetries() {
        return kickRetries;
    }

    /** System calls made because the kernel asked for a wakeup to refill from the fill ring. */
    public long rxWakeups() {
        return rxWakeups;
    }

    /** Times the fill ring could not be topped up because the pool's RECEIVE account was exhausted. */
    public long fillShortOfFrames() {
        return fillShortOfFrames;
    }

    @Override
    public String toString() {
        return "rx=" + rxPackets + " tx=" + txPackets + " completions=" + completions + " txRingFull=" + txRingFull
            + " kicks=" + kicks + " kickRetries=" + kickRetries + " rxWakeups=" + rxWakeups
            + " fillShortOfFrames=" + fillShortOfFrames;
    }
}
