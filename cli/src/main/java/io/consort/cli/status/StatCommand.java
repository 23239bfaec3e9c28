package io.consort.cli.status;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code consort stat}: the counters and distinct errors of running members, read from their status files. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {"Shows the counters (every layer's and the transport's) and the distinct-error log of members, "
        + "read from their status files while they run.", "Refreshes every second until interrupted, or once."})
public final class StatCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Members to show (default: every member found).")
    List<String> names = new ArrayList<>();

    @Option(names = "--stat-dir", paramLabel = "DIR",
        description = "Where members keep their status files (default: $CONSORT_STAT_DIR or /dev/shm/consort).")
    Path dir;

    @Option(names = "--once", description = "Print once and exit (for scripts).")
    boolean once;

    @Option(names = "--all", description = "Also show counters that are zero.")
    boolean all;

    @Option(names = "--interval-ms", defaultValue = "1000", paramLabel = "MS",
        description = "Refresh period in milliseconds (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (intervalMs < 100 || intervalMs > 3_600_000) {
            throw new IllegalArgumentException("--interval-ms must be 100 to 3600000, was " + intervalMs);
        }
        Path directory = dir != null ? dir : StatusFile.defaultDir();
        PrintStream out = System.out;
        while (true) {
            List<Path> files = files(directory);
            if (files.isEmpty()) {
                throw new IllegalStateException("no member status files in " + directory + (names.isEmpty() ? ""
                    : " for " + names) + ": start a member (consort member ...) or pass --stat-dir");
            }
            StringBuilder text = new StringBuilder();
            for (Path file : files) {
                describe(file, text);
            }
            out.print(once ? text : "\033[H\033[2J" + text);
            out.flush();
            if (once) {
                return 0;
            }
            Thread.sleep(intervalMs);
        }
    }

    private List<Path> files(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!names.isEmpty()) {
            for (String name : names) {
                Path file = StatusFile.pathOf(directory, name);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("no status file for member '" + name + "' in " + directory);
                }
                files.add(file);
            }
            return files;
        }
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(p -> p.getFileName().toString().endsWith(StatusFile.SUFFIX)).sorted().forEach(files::add);
        }
        return files;
    }

    private void describe(Path file, StringBuilder text) {
        try (StatusFile status = StatusFile.open(file)) {
            text.append("== ").append(status.name()).append("  pid ").append(status.pid())
                .append(status.ownerAlive() ? " running" : " not running").append(" since ")
                .append(new SimpleDateFormat("yyyy-MM-dd HH:mm:ss").format(new Date(status.startMillis())))
                .append('\n');
            CountersReader counters = status.counters();
            counters.forEach((id, label) -> {
                long value = counters.getCounterValue(id);
                if (all || value != 0) {
                    text.append(String.format("  %-60s %,d%n", label, value));
                }
            });
            StringBuilder errors = new StringBuilder();
            int distinct = ErrorLogReader.read(status.buffers().errorLog(), (count, first, last, error) ->
                errors.append(String.format("  %d time(s), last %tT: %s%n", count, new Date(last),
                    error.lines().findFirst().orElse(error))));
            text.append(distinct == 0 ? "  no errors\n" : "  errors:\n" + errors);
        } catch (IllegalArgumentException e) {
            text.append("== ").append(file).append(": ").append(e.getMessage()).append('\n');
        }
    }
}
