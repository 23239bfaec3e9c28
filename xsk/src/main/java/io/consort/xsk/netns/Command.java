package io.consort.xsk.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ip} and friends, failing with their output when they fail. */
public final class Command {
    private Command() {
    }

    public static String run(List<String> command) {
        return run(command, null);
    }

    /** As {@link #run(List)}, with {@code input} (when not null) written to the command's stdin. */
    public static String run(List<String> command, String input) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(output, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw new IllegalStateException("`" + String.join(" ", command) + "` failed (exit "
                    + process.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (install iproute2): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** As {@link #run}, but a failure is ignored (for cleanup of things that may be gone already). */
    public static void runQuietly(List<String> command) {
        try {
            run(command);
        } catch (RuntimeException ignored) {
            // Cleanup is best effort per item; the caller goes on with the next one.
        }
    }
}
