package io.consort.bench.lab;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} options of the lab's small programs; a missing or malformed one fails with its name. */
final class LabOptions {
    private final Map<String, String> values = new HashMap<>();

    private LabOptions() {
    }

    static LabOptions parse(String[] args) {
        LabOptions options = new LabOptions();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            options.values.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    String text(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name) {
        return Integer.parseInt(text(name));
    }

    double seconds(String name) {
        return Double.parseDouble(text(name));
    }

    /** "all" or member indexes like "0,2", as consort perf's --senders. */
    static boolean[] senders(String text, int count) {
        boolean[] sends = new boolean[count];
        if (text.equals("all")) {
            Arrays.fill(sends, true);
            return sends;
        }
        for (String item : text.split(",")) {
            int index = Integer.parseInt(item.trim());
            if (index < 0 || index >= count) {
                throw new IllegalArgumentException("--senders " + index + " is not a member (0 to " + (count - 1)
                    + ")");
            }
            sends[index] = true;
        }
        return sends;
    }

    static int count(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        return count;
    }
}
