package io.consort.iovec;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramePoolConfigTest {
    private static String failure(FramePoolConfig config) {
        return assertThrows(IllegalArgumentException.class, config::validate).getMessage();
    }

    @Test
    void defaultsAreValidAndSplitTheFramesBetweenAccounts() {
        FramePoolConfig config = new FramePoolConfig();
        assertDoesNotThrow(config::validate);
        assertEquals(2048, config.frameSize());
        assertEquals(4096, config.frameCount());
        assertEquals(256, config.controlLimit());
        assertEquals((4096 - 256) / 2, config.sendLimit());
        assertEquals((4096 - 256) / 2, config.receiveLimit());
        assertTrue(config.sendLimit() + config.receiveLimit() + config.controlLimit() <= config.frameCount());
        assertEquals(2048L * 4096, config.regionLength());
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 17, 64, 100, 1000, 65536})
    void defaultLimitsFitAnyReasonableFrameCount(int frameCount) {
        FramePoolConfig config = new FramePoolConfig().frameCount(frameCount);
        assertDoesNotThrow(config::validate);
        assertTrue(config.sendLimit() + config.receiveLimit() + config.controlLimit() <= frameCount);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 255, 257, 1000, 3000, -2048})
    void frameSizeMustBeAPowerOfTwoOfAtLeast256(int frameSize) {
        String message = failure(new FramePoolConfig().frameSize(frameSize));
        assertTrue(message.contains("frameSize must be a power of two of at least 256"), message);
        assertTrue(message.contains("was " + frameSize), message);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1, 2})
    void frameCountMustLeaveAFrameForEachAccount(int frameCount) {
        String message = failure(new FramePoolConfig().frameCount(frameCount));
        assertTrue(message.contains("frameCount must be at least 3"), message);
        assertTrue(message.contains("was " + frameCount), message);
    }

    @Test
    void regionMustStayUnderTwoGigabytes() {
        String message = failure(new FramePoolConfig().frameSize(1 << 16).frameCount(1 << 15));
        assertTrue(message.contains("under 2 GiB"), message);
    }

    @Test
    void headroomMustLeaveRoomForPayload() {
        String message = failure(new FramePoolConfig().headroom(1024));
        assertTrue(message.contains("headroom must be between 0 and frameSize/2 (1024), was 1024"), message);
        message = failure(new FramePoolConfig().headroom(-1));
        assertTrue(message.contains("was -1"), message);
        assertDoesNotThrow(new FramePoolConfig().headroom(0)::validate);
        assertDoesNotThrow(new FramePoolConfig().headroom(1023)::validate);
    }

    @Test
    void limitsExceedingTheFrameCountAreRefusedWithTheSum() {
        String message = failure(new FramePoolConfig().frameCount(100).sendLimit(50).receiveLimit(40)
            .controlLimit(20));
        assertTrue(message.contains("(50 + 40 + 20) exceed frameCount 100"), message);
        assertTrue(message.contains("raise frameCount or lower a limit"), message);
    }

    @Test
    void anExplicitLimitIsCheckedAgainstTheDefaultsOfTheOthers() {
        // control defaults to 16 of 100, receive to (100 - 16) / 2 = 42: 60 + 42 + 16 > 100.
        String message = failure(new FramePoolConfig().frameCount(100).sendLimit(60));
        assertTrue(message.contains("(60 + 42 + 16) exceed frameCount 100"), message);
    }

    @Test
    void limitsMustBePositive() {
        String message = failure(new FramePoolConfig().sendLimit(0));
        assertTrue(message.contains("must be positive"), message);
        assertTrue(message.contains("0, 1920 and 256"), message);
    }

    @Test
    void allocateValidatesBeforeTouchingMemory() {
        assertThrows(IllegalArgumentException.class, () -> FramePool.allocate(new FramePoolConfig().frameSize(300)));
    }
}
