package io.consort.bench.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of {@code consort perf}'s CSV (the same columns, in the same order, as the cli's PerfResult, which is not
 * visible from here): a process ({@code role} sender or receiver) or a whole group ({@code member} "all"). The
 * JGroups members write these so that one reader ({@link LabCell}) handles both systems alike.
 */
record PerfRow(String member, String role, boolean passed, String transport, String stack, int size, int senders,
               double warmupSeconds, double durationSeconds, long sent, double sentPerSecond, long delivered,
               long expected, long deliveredInWindow, double messagesPerSecond, double megabytesPerSecond, long lost,
               long duplicates, long corrupt, long retransmissions, long backPressured, long latencySamples,
               double p50Micros, double p99Micros, double p999Micros, double maxMicros, String failure) {

    static final List<String> COLUMNS = List.of("member", "role", "passed", "transport", "stack", "size_bytes",
        "senders", "warmup_s", "duration_s", "sent", "sent_per_s", "delivered", "expected", "delivered_in_window",
        "msgs_per_s", "mb_per_s", "lost", "duplicates", "corrupt", "retransmissions", "back_pressured",
        "latency_samples", "latency_p50_us", "latency_p99_us", "latency_p99_9_us", "latency_max_us", "failure");

    static String csvHeader() {
        return String.join(",", COLUMNS);
    }

    String csvRow() {
        List<Object> values = List.of(member, role, passed, transport, stack, size, senders, warmupSeconds,
            durationSeconds, sent, sentPerSecond, delivered, expected, deliveredInWindow, messagesPerSecond,
            megabytesPerSecond, lost, duplicates, corrupt, retransmissions, backPressured, latencySamples, p50Micros,
            p99Micros, p999Micros, maxMicros, failure == null ? "" : failure);
        List<String> cells = new ArrayList<>();
        for (Object value : values) {
            cells.add(cell(value));
        }
        return String.join(",", cells);
    }

    /** The rows of a CSV file with this header (consort perf's or ours). */
    static List<PerfRow> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !parseLine(lines.get(0)).equals(COLUMNS)) {
            throw new IllegalArgumentException(file + " is not a consort perf CSV result");
        }
        List<PerfRow> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = parseLine(line);
            Map<String, String> by = new LinkedHashMap<>();
            for (int i = 0; i < COLUMNS.size(); i++) {
                by.put(COLUMNS.get(i), i < cells.size() ? cells.get(i) : "");
            }
            rows.add(new PerfRow(by.get("member"), by.get("role"), Boolean.parseBoolean(by.get("passed")),
                by.get("transport"), by.get("stack"), Integer.parseInt(by.get("size_bytes")),
                Integer.parseInt(by.get("senders")), Double.parseDouble(by.get("warmup_s")),
                Double.parseDouble(by.get("duration_s")), Long.parseLong(by.get("sent")),
                Double.parseDouble(by.get("sent_per_s")), Long.parseLong(by.get("delivered")),
                Long.parseLong(by.get("expected")), Long.parseLong(by.get("delivered_in_window")),
                Double.parseDouble(by.get("msgs_per_s")), Double.parseDouble(by.get("mb_per_s")),
                Long.parseLong(by.get("lost")), Long.parseLong(by.get("duplicates")), Long.parseLong(by.get("corrupt")),
                Long.parseLong(by.get("retransmissions")), Long.parseLong(by.get("back_pressured")),
                Long.parseLong(by.get("latency_samples")), Double.parseDouble(by.get("latency_p50_us")),
                Double.parseDouble(by.get("latency_p99_us")), Double.parseDouble(by.get("latency_p99_9_us")),
                Double.parseDouble(by.get("latency_max_us")), by.get("failure").isEmpty() ? null : by.get("failure")));
        }
        return rows;
    }

    static List<String> parseLine(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    static String cell(Object value) {
        String text = value instanceof Double number ? String.format(Locale.ROOT, "%.3f", number)
            : String.valueOf(value);
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return '"' + text.replace("\"", "\"\"").replace("\n", " ") + '"';
        }
        return text;
    }
}
