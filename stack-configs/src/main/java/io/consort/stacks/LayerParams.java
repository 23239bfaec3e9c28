package io.consort.stacks;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The parameters written for one layer, e.g. {@code mnak(window=512, nak=2ms)}, read with defaults. */
public final class LayerParams {
    private final String layer;
    private final Map<String, String> values;
    private final Set<String> known;

    LayerParams(String layer, Map<String, String> values, Set<String> known) {
        this.layer = layer;
        this.values = new TreeMap<>(values);
        this.known = known;
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("layer '" + layer + "' has no parameter '" + name + "'; "
                    + (known.isEmpty() ? "it takes no parameters" : "its parameters are " + known));
            }
        }
    }

    public int integer(String name, int defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(layer + "(" + name + "=" + value + "): not a whole number", e);
        }
    }

    /** A duration such as {@code 250us}, {@code 2ms}, {@code 1s} or plain nanoseconds, in nanoseconds. */
    public long nanos(String name, long defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        return parseDuration(layer + "(" + name + "=" + value + ")", value);
    }

    static long parseDuration(String where, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long scale = 1;
        String number = text;
        String[][] units = {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}};
        for (String[] unit : units) {
            if (text.endsWith(unit[0])) {
                scale = Long.parseLong(unit[1]);
                number = text.substring(0, text.length() - unit[0].length());
                break;
            }
        }
        long nanos;
        try {
            nanos = Math.multiplyExact(Long.parseLong(number.trim()), scale);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": not a duration; write e.g. 500us, 2ms or 1s", e);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + ": too long a duration; write at most "
                + Long.MAX_VALUE / 1_000_000_000L + "s", e);
        }
        if (nanos <= 0) {
            throw new IllegalArgumentException(where + ": a duration must be positive");
        }
        return nanos;
    }
}
