package io.consort.bench.lab;

import io.consort.cli.perf.PerfResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Appends one cell of the lab matrix to results.csv: the aggregate row ("all") of a consort perf CSV, from
 * {@code consort perf --spawn} or {@link JGroupsPerfDriver} alike, or a failed row saying why (no result, a nonzero
 * exit status, loss). msgs_per_s is deliveries in the measurement window per second per member, averaged over
 * the members (consort perf's summed msgs/s divided by N); group_msgs_per_s is the sum itself. Exit status 0 when
 * the cell passed, {@value #RECORDED_FAILED} when it was recorded as failed.
 *
 * <pre>LabCell --results FILE --csv PERF.csv --status EXIT --log CELL.log --jdk VER --system consort|jgroups
 *         --transport T --members N --senders one|all --size B</pre>
 */
public final class LabCell {
    static final List<String> COLUMNS = List.of("jdk", "system", "transport", "members", "senders", "size_bytes",
        "status", "msgs_per_s", "group_msgs_per_s", "mb_per_s", "sent_per_s", "lost", "duplicates", "corrupt",
        "retransmissions", "latency_p50_us", "latency_p99_us", "latency_p99_9_us", "latency_max_us",
        "latency_samples", "warmup_s", "duration_s", "failure");

    static final int RECORDED_FAILED = 3;

    private LabCell() {
    }

    public static void main(String[] args) throws IOException {
        LabOptions options = LabOptions.parse(args);
        int members = options.integer("members");
        int status = options.integer("status");
        Path csv = Path.of(options.text("csv"));
        PerfResult all = null;
        String failure = null;
        try {
            all = Files.exists(csv) ? PerfResult.read(csv).stream().filter(row -> row.member().equals("all"))
                .findFirst().orElse(null) : null;
        } catch (RuntimeException e) {
            failure = "unreadable result: " + e.getMessage();
        }
        if (all == null && failure == null) {
            failure = "exit status " + status + ", no result; last line: " + lastLine(Path.of(options.text("log")));
        } else if (all != null && !all.passed()) {
            failure = all.failure();
        } else if (all != null && status != 0) {
            failure = "exit status " + status;
        }
        List<Object> values = new ArrayList<>(List.of(options.text("jdk"), options.text("system"),
            options.text("transport"), members, options.text("senders"), options.integer("size"),
            failure == null ? "ok" : "failed"));
        if (all != null) {
            values.addAll(List.of(all.messagesPerSecond() / members, all.messagesPerSecond(),
                all.megabytesPerSecond() / members, all.sentPerSecond(), all.lost(), all.duplicates(), all.corrupt(),
                all.retransmissions(), all.p50Micros(), all.p99Micros(), all.p999Micros(), all.maxMicros(),
                all.latencySamples(), all.warmupSeconds(), all.durationSeconds()));
        } else {
            for (int i = values.size(); i < COLUMNS.size() - 1; i++) {
                values.add("");
            }
        }
        values.add(failure == null ? "" : shorten(failure));
        List<String> cells = new ArrayList<>();
        values.forEach(value -> cells.add(PerfResult.csvCell(value)));
        Path results = Path.of(options.text("results"));
        String line = String.join(",", cells) + "\n";
        if (!Files.exists(results)) {
            line = String.join(",", COLUMNS) + "\n" + line;
        }
        Files.writeString(results, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        System.out.println(String.format(Locale.ROOT, "%-8s %-12s N=%d %-3s %5d B: %s", options.text("system"),
            options.text("transport"), members, options.text("senders"), options.integer("size"), failure == null
                ? String.format(Locale.ROOT, "%.0f msgs/s per member, p50 %.1f us, p99 %.1f us",
                all.messagesPerSecond() / members, all.p50Micros(), all.p99Micros()) : "FAILED: " + shorten(failure)));
        System.exit(failure == null ? 0 : RECORDED_FAILED);
    }

    private static String lastLine(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
            .filter(text -> !text.isBlank()).toList();
        return lines.isEmpty() ? "(empty log)" : lines.get(lines.size() - 1).trim();
    }

    private static String shorten(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
