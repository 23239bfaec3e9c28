package io.consort.iovec;

import java.util.Locale;

/**
 * Records where pooled resources were acquired so that ones never released can be reported.
 *
 * <p>Levels follow Netty's {@code ResourceLeakDetector}: {@code OFF} records nothing and costs nothing;
 * {@code SAMPLED} records the acquisition site of one acquisition in {@value #SAMPLE_INTERVAL};
 * {@code STRICT} records every acquisition (it allocates a stack trace each time, so it is for tests). The
 * default level comes from the system property {@code consort.leakDetection} (off, sampled, strict).
 */
public final class LeakDetector {
    public enum Level { OFF, SAMPLED, STRICT }

    public static final String PROPERTY = "consort.leakDetection";
    static final int SAMPLE_INTERVAL = 128;

    private final String resource;
    private final Level level;
    private final Throwable[] sites;
    private int acquisitions;

    public LeakDetector(String resource, int capacity, Level level) {
        this.resource = resource;
        this.level = level;
        this.sites = level == Level.OFF ? null : new Throwable[capacity];
    }

    public static Level defaultLevel() {
        String value = System.getProperty(PROPERTY, "off").trim();
        try {
            return Level.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "-D" + PROPERTY + "=" + value + " is not a level; use off, sampled or strict", e);
        }
    }

    public Level level() {
        return level;
    }

    void onAcquire(int id) {
        if (level == Level.OFF) {
            return;
        }
        if (level == Level.STRICT || (acquisitions++ % SAMPLE_INTERVAL) == 0) {
            sites[id] = new Throwable(resource + " #" + id + " acquired here");
        }
    }

    void onRelease(int id) {
        if (sites != null) {
            sites[id] = null;
        }
    }

    /**
     * Describes every resource in {@code held} (ids still acquired) with its acquisition site where one was
     * recorded. Returns the empty string when nothing is held.
     */
    String describe(int[] held, int count) {
        if (count == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append(count).append(' ').append(resource).append("(s) not released");
        if (level == Level.OFF) {
            out.append(" (run with -D").append(PROPERTY).append("=strict to see where they were acquired)");
        }
        out.append('\n');
        for (int i = 0; i < count; i++) {
            Throwable site = sites == null ? null : sites[held[i]];
            out.append("  ").append(resource).append(" #").append(held[i]);
            if (site != null) {
                for (StackTraceElement element : site.getStackTrace()) {
                    out.append("\n    at ").append(element);
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
