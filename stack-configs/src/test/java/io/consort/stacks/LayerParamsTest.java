package io.consort.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LayerParamsTest {
    private static LayerParams params(String name, String value) {
        return new LayerParams("mnak", Map.of(name, value), Set.of("window", "nak"));
    }

    @ParameterizedTest
    @CsvSource({
        "7ns, 7", "7, 7", "250us, 250000", "2ms, 2000000", "1s, 1000000000", "3S, 3000000000", " 2 ms , 2000000",
        "+5us, 5000", "9223372036s, 9223372036000000000"})
    void durationsInEveryUnit(String written, long nanos) {
        assertEquals(nanos, params("nak", written).nanos("nak", 1));
    }

    @Test
    void absentParametersTakeTheirDefault() {
        LayerParams params = new LayerParams("mnak", Map.of(), Set.of("window", "nak"));
        assertEquals(123, params.nanos("nak", 123));
        assertEquals(64, params.integer("window", 64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2 fortnights", "1.5ms", "ms", "", "2m", "2h", "twos"})
    void notADuration(String written) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> params("nak", written).nanos("nak", 1));
        assertTrue(error.getMessage().startsWith("mnak(nak=" + written + "): not a duration"), error.getMessage());
        assertTrue(error.getMessage().contains("500us, 2ms or 1s"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0ms", "-1ms", "-5"})
    void durationsMustBePositive(String written) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> params("nak", written).nanos("nak", 1));
        assertEquals("mnak(nak=" + written + "): a duration must be positive", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372037s", "9223372036854776us", "9999999999999999ms"})
    void durationsTooLongForNanosecondsAreRefusedNotWrapped(String written) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> params("nak", written).nanos("nak", 1));
        assertTrue(error.getMessage().contains("too long a duration"), error.getMessage());
    }

    @Test
    void integersAreTrimmed() {
        assertEquals(512, params("window", " 512 ").integer("window", 1));
        assertEquals(-3, params("window", "-3").integer("window", 1));
    }

    @Test
    void unknownParameterIsRefusedAtOnce() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new LayerParams("mnak", Map.of("size", "3"), new TreeSet<>(Set.of("window", "nak"))));
        assertEquals("layer 'mnak' has no parameter 'size'; its parameters are [nak, window]", error.getMessage());
    }
}
