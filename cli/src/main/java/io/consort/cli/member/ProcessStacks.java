package io.consort.cli.member;

import io.consort.stacks.StackDescription;
import java.util.Properties;

/**
 * Stacks for members that are processes: the library's suspicion default (10 sweeps of 20 ms) suits the
 * simulator and threads in one JVM, but a process on a loaded machine pauses longer than that (start-up, JIT, GC)
 * and would be excluded while alive. Unless the description sets suspect's parameters, suspicion comes after
 * {@value #DEFAULT_SUSPECT_AFTER_MS} ms of silence, in 10 heartbeat sweeps.
 */
public final class ProcessStacks {
    public static final int DEFAULT_SUSPECT_AFTER_MS = 1000;

    private ProcessStacks() {
    }

    /** The stack {@code stack} (a name or a description), suspecting after {@code suspectAfterMs} (null: default). */
    public static StackDescription describe(String stack, Integer suspectAfterMs) {
        StackDescription parsed = StackDescription.parse(stack);
        boolean hasSuspect = parsed.layerNames().contains("suspect");
        if (!hasSuspect || suspectAfterMs == null && stack.contains("suspect(")) {
            if (suspectAfterMs != null) {
                throw new IllegalArgumentException("--suspect-after needs a stack with the suspect layer, not '"
                    + stack + "'");
            }
            return parsed;
        }
        int after = suspectAfterMs != null ? suspectAfterMs : DEFAULT_SUSPECT_AFTER_MS;
        if (after < 10 || after > 600_000) {
            throw new IllegalArgumentException("--suspect-after must be 10 to 600000 ms, was " + after);
        }
        Properties properties = new Properties();
        properties.setProperty(StackDescription.STACK_PROPERTY, stack);
        properties.setProperty("consort.suspect.sweep", (after * 100L) + "us");
        properties.setProperty("consort.suspect.misses", "10");
        if (parsed.layerNames().contains("slander")) {
            properties.setProperty("consort.slander.sweep", (after * 100L) + "us");
        }
        return StackDescription.fromProperties(properties);
    }
}
