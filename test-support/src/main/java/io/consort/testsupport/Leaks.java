package io.consort.testsupport;

import io.consort.iovec.FramePool;
import io.consort.iovec.ObjectPool;

/** Assertions that pools are whole again, with the leak report as the failure message. */
public final class Leaks {
    private Leaks() {
    }

    public static void assertNoLeaks(String who, FramePool frames) {
        String report = frames.leakReport();
        if (!report.isEmpty()) {
            throw new AssertionError(who + ": " + report);
        }
    }

    public static void assertNoLeaks(String who, ObjectPool<?> pool) {
        String report = pool.leakReport();
        if (!report.isEmpty()) {
            throw new AssertionError(who + ": " + report);
        }
    }
}
