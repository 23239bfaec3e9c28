package io.consort.cli.member;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Incarnation numbers by member name, kept beside the status files: a member restarted under the same name
 * comes back as the next incarnation, so the group tells it from the process it replaces.
 */
final class Incarnations {
    private Incarnations() {
    }

    static int next(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".incarnation");
        int last = 0;
        if (Files.exists(file)) {
            try {
                last = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " does not hold a number: delete it or pass --incarnation");
            }
        }
        int next = last + 1;
        Files.writeString(file, Integer.toString(next), StandardCharsets.UTF_8);
        return next;
    }
}
