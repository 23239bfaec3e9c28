package io.consort.testsupport;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/** What the current thread allocates while a piece of work runs. */
public final class Allocations {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** The bytes the current thread allocates while {@code work} runs once. */
    public static long bytes(Runnable work) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * The fewest bytes the current thread allocates in any of {@code rounds} runs of {@code round}. The JVM now
     * and then allocates on the thread's account by itself (a deoptimisation re-creates the objects escape
     * analysis had scalar-replaced): such a one-off lands in one round, while an allocation per message shows
     * in every round, so the least of a few rounds tells the two apart.
     */
    public static long fewestBytes(int rounds, Runnable round) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
        }
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            fewest = Math.min(fewest, bytes(round));
        }
        return fewest;
    }
}
