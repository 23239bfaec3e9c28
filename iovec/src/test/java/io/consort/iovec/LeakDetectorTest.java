package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LeakDetectorTest {
    private static <T> T withProperty(String value, Supplier<T> action) {
        String saved = System.getProperty(LeakDetector.PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(LeakDetector.PROPERTY);
            } else {
                System.setProperty(LeakDetector.PROPERTY, value);
            }
            return action.get();
        } finally {
            if (saved == null) {
                System.clearProperty(LeakDetector.PROPERTY);
            } else {
                System.setProperty(LeakDetector.PROPERTY, saved);
            }
        }
    }

    @Test
    void levelsParseIgnoringCaseAndSpaces() {
        assertEquals(LeakDetector.Level.OFF, withProperty("off", LeakDetector::defaultLevel));
        assertEquals(LeakDetector.Level.SAMPLED, withProperty("Sampled", LeakDetector::defaultLevel));
        assertEquals(LeakDetector.Level.STRICT, withProperty(" STRICT ", LeakDetector::defaultLevel));
    }

    @Test
    void offWhenThePropertyIsUnset() {
        assertEquals(LeakDetector.Level.OFF, withProperty(null, LeakDetector::defaultLevel));
    }

    @Test
    void aBadValueSaysWhatWasWrittenAndWhatIsAllowed() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> withProperty("paranoid", LeakDetector::defaultLevel));
        assertEquals("-Dconsort.leakDetection=paranoid is not a level; use off, sampled or strict", error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> withProperty("", LeakDetector::defaultLevel));
        assertTrue(error.getMessage().contains("use off, sampled or strict"), error.getMessage());
    }

    @Test
    void configsPickUpTheDefaultLevel() {
        assertEquals(LeakDetector.Level.SAMPLED,
            withProperty("sampled", () -> new FramePoolConfig().leakDetection()));
    }

    @Test
    void offRecordsNothingEvenForHeldResources() {
        LeakDetector detector = new LeakDetector("thing", 4, LeakDetector.Level.OFF);
        detector.onAcquire(2);
        String report = detector.describe(new int[] {2}, 1);
        assertTrue(report.contains("thing #2"), report);
        assertTrue(!report.contains("    at "), report);
    }

    @Test
    void releaseForgetsTheSite() {
        LeakDetector detector = new LeakDetector("thing", 4, LeakDetector.Level.STRICT);
        detector.onAcquire(1);
        assertTrue(detector.describe(new int[] {1}, 1).contains("    at "));
        detector.onRelease(1);
        assertTrue(!detector.describe(new int[] {1}, 1).contains("    at "));
        assertEquals("", detector.describe(new int[0], 0));
    }
}
