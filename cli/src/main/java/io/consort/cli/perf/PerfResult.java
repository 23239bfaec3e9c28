package io.consort.cli.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one perf process measured (or, with {@code member = "all"}, a whole spawned group): counts, throughput in
 * the measurement window, integrity, and one-way latency percentiles in microseconds. Written as text, CSV or JSON;
 * the driver reads its processes' CSV back.
 */
public record PerfResult(String member, boolean sender, boolean passed, String transport, String stack, int size,
                  int senders, double warmupSeconds, double durationSeconds, long sent, double sentPerSecond,
                  long delivered, long expected, long deliveredInWindow, double messagesPerSecond,
                  double megabytesPerSecond, long lost, long duplicates, long corrupt, long retransmissions,
                  long backPressured, long latencySamples, double p50Micros, double p99Micros, double p999Micros,
                  double maxMicros, String failure) {

    /** Said wherever latency is shown: it is only meaningful when every process reads the same clock. */
    static final String CLOCK_NOTE = "one-way latency = delivery time - send time, both System.nanoTime() "
        + "(CLOCK_MONOTONIC): valid only when every process runs on this host (processes, or namespaces, of one "
        + "machine), not across machines";

    static final List<String> COLUMNS = List.of("member", "role", "passed", "transport", "stack", "size_bytes",
        "senders", "warmup_s", "duration_s", "sent", "sent_per_s", "delivered", "expected", "delivered_in_window",
        "msgs_per_s", "mb_per_s", "lost", "duplicates", "corrupt", "retransmissions", "back_pressured",
        "latency_samples", "latency_p50_us", "latency_p99_us", "latency_p99_9_us", "latency_max_us", "failure");

    /** p50, p99, p99.9 and max of {@code histogram} (nanoseconds), in microseconds. */
    public static double[] percentilesMicros(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return new double[] {0, 0, 0, 0};
        }
        return new double[] {histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
            histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3};
    }

    List<Object> values() {
        return List.of(member, role(), passed, transport, stack, size, senders,
            warmupSeconds, durationSeconds, sent, sentPerSecond, delivered, expected, deliveredInWindow,
            messagesPerSecond, megabytesPerSecond, lost, duplicates, corrupt, retransmissions, backPressured,
            latencySamples, p50Micros, p99Micros, p999Micros, maxMicros, failure == null ? "" : failure);
    }

    /** sender, receiver, or group for the aggregate of a spawned run. */
    public String role() {
        return member.equals("all") ? "group" : sender ? "sender" : "receiver";
    }

    public static String csvHeader() {
        return String.join(",", COLUMNS);
    }

    public String csvRow() {
        List<String> cells = new ArrayList<>();
        for (Object value : values()) {
            cells.add(csvCell(value));
        }
        return String.join(",", cells);
    }

    String json() {
        StringBuilder out = new StringBuilder("{");
        List<Object> values = values();
        for (int i = 0; i < COLUMNS.size(); i++) {
            Object value = values.get(i);
            out.append(i == 0 ? "" : ", ").append('"').append(COLUMNS.get(i)).append("\": ");
            if (value instanceof String text) {
                out.append('"').append(jsonEscape(text)).append('"');
            } else {
                out.append(format(value));
            }
        }
        return out.append('}').toString();
    }

    /** One line for a table of processes (see {@link #tableHeader}). */
    String tableRow() {
        return String.format(Locale.ROOT, "%-22s %-8s %10d %10d %10.0f %8.2f %9.1f %9.1f %9.1f %9.1f %8d %9d  %s",
            member, role(), sent, delivered, messagesPerSecond, megabytesPerSecond,
            p50Micros, p99Micros, p999Micros, maxMicros, retransmissions, backPressured, passed ? "PASS" : "FAIL");
    }

    static String tableHeader() {
        return String.format(Locale.ROOT, "%-22s %-8s %10s %10s %10s %8s %9s %9s %9s %9s %8s %9s  %s", "member",
            "role", "sent", "delivered", "msgs/s", "MB/s", "p50 us", "p99 us", "p99.9 us", "max us", "retrans",
            "backpress", "result");
    }

    /** The result of one process, for its own screen. */
    String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "result %s (%s): %s%n", member, role(),
            passed ? "PASS" : "FAIL: " + failure));
        out.append(String.format(Locale.ROOT, "  sent       %d messages (%.0f msgs/s in the window), back-pressured"
            + " %d times%n", sent, sentPerSecond, backPressured));
        out.append(String.format(Locale.ROOT, "  delivered  %d messages from %d sender%s (their final messages say"
            + " %d were sent): %d lost, %d duplicated, %d corrupt; %d retransmissions%n", delivered, senders,
            senders == 1 ? "" : "s", expected, lost, duplicates, corrupt, retransmissions));
        out.append(String.format(Locale.ROOT, "  throughput %.0f msgs/s, %.2f MB/s over %.1f s (%d messages of %d"
            + " bytes, after %.1f s warmup)%n", messagesPerSecond, megabytesPerSecond, durationSeconds,
            deliveredInWindow, size, warmupSeconds));
        out.append(String.format(Locale.ROOT, "  latency    p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us (%d"
            + " samples)%n", p50Micros, p99Micros, p999Micros, maxMicros, latencySamples));
        out.append("  (").append(CLOCK_NOTE).append(')');
        return out.toString();
    }

    /** Every row of a CSV file written with {@link #csvHeader} and {@link #csvRow}. */
    public static List<PerfResult> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is not a consort perf CSV result: it is empty");
        }
        List<PerfResult> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(fromCsv(lines.get(0), line));
            }
        }
        return rows;
    }

    /** Reads a row written by {@link #csvRow} under {@link #csvHeader}. */
    static PerfResult fromCsv(String header, String row) {
        List<String> names = parseCsvLine(header);
        List<String> cells = parseCsvLine(row);
        if (!names.equals(COLUMNS) || cells.size() != COLUMNS.size()) {
            throw new IllegalArgumentException("not a consort perf CSV result: " + header);
        }
        Map<String, String> by = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            by.put(names.get(i), cells.get(i));
        }
        return new PerfResult(by.get("member"), by.get("role").equals("sender"), Boolean.parseBoolean(
            by.get("passed")), by.get("transport"), by.get("stack"), Integer.parseInt(by.get("size_bytes")),
            Integer.parseInt(by.get("senders")), Double.parseDouble(by.get("warmup_s")),
            Double.parseDouble(by.get("duration_s")), Long.parseLong(by.get("sent")),
            Double.parseDouble(by.get("sent_per_s")), Long.parseLong(by.get("delivered")),
            Long.parseLong(by.get("expected")), Long.parseLong(by.get("delivered_in_window")),
            Double.parseDouble(by.get("msgs_per_s")), Double.parseDouble(by.get("mb_per_s")),
            Long.parseLong(by.get("lost")), Long.parseLong(by.get("duplicates")), Long.parseLong(by.get("corrupt")),
            Long.parseLong(by.get("retransmissions")), Long.parseLong(by.get("back_pressured")),
            Long.parseLong(by.get("latency_samples")), Double.parseDouble(by.get("latency_p50_us")),
            Double.parseDouble(by.get("latency_p99_us")), Double.parseDouble(by.get("latency_p99_9_us")),
            Double.parseDouble(by.get("latency_max_us")), by.get("failure").isEmpty() ? null : by.get("failure"));
    }

    public static List<String> parseCsvLine(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    /** One CSV cell: doubles with three decimals, quoted when it holds a comma, quote or line break. */
    public static String csvCell(Object value) {
        String text = format(value);
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return '"' + text.replace("\"", "\"\"").replace("\n", " ") + '"';
        }
        return text;
    }

    private static String format(Object value) {
        if (value instanceof Double number) {
            return String.format(Locale.ROOT, "%.3f", number);
        }
        return String.valueOf(value);
    }

    static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
