package io.consort.bench.lab;

import io.consort.cli.perf.PerfResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the lab matrix ({@link LabCell}'s results.csv) as PNG charts, one bar per system/transport in each cell
 * (members N x size) for one or all senders: msgs/s per member, and latency p50, p99, p99.9; and writes ratios.md,
 * each Consort transport's rate over JGroups' in the same cell, and, when ceiling.csv lies beside results.csv, what
 * each transport carries alone ({@link LabCeiling}). A failed cell has no bar and is marked in the table.
 * When a cell was run more than once, the last row counts.
 *
 * <pre>LabCharts results.csv OUTPUT_DIR</pre>
 */
public final class LabCharts {
    private LabCharts() {
    }

    record Row(String system, String transport, int members, String senders, int size, boolean ok, double rate,
               double p50, double p99, double p999, long lost, String failure) {
        String config() {
            return system.equals("jgroups") ? "JGroups UDP multicast" : "Consort " + transport;
        }

        String cell() {
            return "N=" + members + ", " + size + " B";
        }

        boolean sameCell(Row other) {
            return members == other.members && size == other.size && senders.equals(other.senders);
        }
    }

    public static void main(String[] args) throws IOException {
        List<Row> rows = read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        for (String senders : List.of("one", "all")) {
            List<Row> selected = rows.stream().filter(row -> row.senders().equals(senders)).toList();
            if (selected.isEmpty()) {
                continue;
            }
            String who = senders.equals("one") ? "one sender (member 0)" : "all members sending";
            chart(selected, Row::rate, "Messages delivered per second per member, " + who, "msgs/s (log)",
                out.resolve("throughput-" + senders + ".png"));
            chart(selected, Row::p50, "One-way latency p50, " + who + ", at full speed", "microseconds (log)",
                out.resolve("latency-p50-" + senders + ".png"));
            chart(selected, Row::p99, "One-way latency p99, " + who + ", at full speed", "microseconds (log)",
                out.resolve("latency-p99-" + senders + ".png"));
            chart(selected, Row::p999, "One-way latency p99.9, " + who + ", at full speed", "microseconds (log)",
                out.resolve("latency-p99.9-" + senders + ".png"));
        }
        Path ceiling = Path.of(args[0]).resolveSibling("ceiling.csv");
        String alone = Files.exists(ceiling) ? LabCeiling.table(LabCeiling.read(ceiling), rows) : "";
        Files.writeString(out.resolve("ratios.md"), ratios(rows) + alone, StandardCharsets.UTF_8);
    }

    /** The rows of results.csv, the last of each (config, cell) kept, in the order cells first appear. */
    static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = PerfResult.parseCsvLine(lines.get(0));
        Map<String, Row> last = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank() || line.startsWith("jdk,")) {
                continue;
            }
            List<String> cells = PerfResult.parseCsvLine(line);
            Map<String, String> by = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                by.put(header.get(i), i < cells.size() ? cells.get(i) : "");
            }
            boolean ok = by.get("status").equals("ok");
            Row row = new Row(by.get("system"), by.get("transport"), Integer.parseInt(by.get("members")),
                by.get("senders"), Integer.parseInt(by.get("size_bytes")), ok, number(by.get("msgs_per_s")),
                number(by.get("latency_p50_us")), number(by.get("latency_p99_us")),
                number(by.get("latency_p99_9_us")), (long) number(by.get("lost")), by.get("failure"));
            String key = row.config() + "|" + row.members() + "|" + row.senders() + "|" + row.size();
            last.remove(key); // a rerun replaces the earlier row
            last.put(key, row);
        }
        return new ArrayList<>(last.values());
    }

    private static double number(String text) {
        return text == null || text.isEmpty() ? 0 : Double.parseDouble(text);
    }

    private static void chart(List<Row> rows, ToDoubleFunction<Row> value, String title, String axis, Path png)
        throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(700).title(title)
            .xAxisTitle("members, message size").yAxisTitle(axis).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setAvailableSpaceFill(0.85);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(true);
        // A log axis needs a positive minimum: a power of ten below the least value.
        double least = rows.stream().filter(Row::ok).mapToDouble(value).filter(v -> v > 0).min().orElse(1);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(least))));
        Set<String> cells = new TreeSet<>((a, b) -> compareCells(rows, a, b));
        rows.forEach(row -> cells.add(row.cell()));
        List<String> labels = new ArrayList<>(cells);
        Set<String> configs = new LinkedHashSet<>();
        rows.forEach(row -> configs.add(row.config()));
        for (String config : configs) {
            List<Double> values = new ArrayList<>();
            for (String cell : labels) {
                double v = rows.stream().filter(row -> row.config().equals(config) && row.cell().equals(cell)
                    && row.ok()).mapToDouble(value).findFirst().orElse(0);
                values.add(v > 0 ? v : null); // failed or missing: no bar
            }
            chart.addSeries(config, labels, values).setFillColor(color(config));
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** One colour per system/transport, the same in every chart and every run. */
    private static java.awt.Color color(String config) {
        return switch (config) {
            case "Consort udp-batched" -> new java.awt.Color(0x1f77b4);
            case "Consort xdp" -> new java.awt.Color(0x2ca02c);
            case "Consort udp" -> new java.awt.Color(0x17becf);
            case "JGroups UDP multicast" -> new java.awt.Color(0xd62728);
            default -> java.awt.Color.GRAY;
        };
    }

    /** Cells in order of members, then size. */
    private static int compareCells(List<Row> rows, String a, String b) {
        Row x = rows.stream().filter(row -> row.cell().equals(a)).findFirst().orElseThrow();
        Row y = rows.stream().filter(row -> row.cell().equals(b)).findFirst().orElseThrow();
        return x.members() != y.members() ? Integer.compare(x.members(), y.members()) : Integer.compare(x.size(),
            y.size());
    }

    /** Consort / JGroups msgs/s per cell, with both p50 and p99; failed cells say so. */
    static String ratios(List<Row> rows) {
        StringBuilder out = new StringBuilder("| members | senders | size B | Consort transport | Consort msgs/s"
            + " per member | JGroups msgs/s per member | ratio | Consort p50 / p99 us | JGroups p50 / p99 us |\n"
            + "|---|---|---|---|---|---|---|---|---|\n");
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort((a, b) -> a.members() != b.members() ? Integer.compare(a.members(), b.members())
            : !a.senders().equals(b.senders()) ? b.senders().compareTo(a.senders())
            : Integer.compare(a.size(), b.size()));
        for (Row row : sorted) {
            if (row.system().equals("jgroups")) {
                continue;
            }
            Row base = rows.stream().filter(other -> other.system().equals("jgroups") && other.sameCell(row))
                .findFirst().orElse(null);
            boolean both = row.ok() && base != null && base.ok();
            out.append(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s | %s | %s | %s | %s |%n", row.members(),
                row.senders(), row.size(), row.transport(), rate(row), base == null ? "-" : rate(base),
                both ? String.format(Locale.ROOT, "%.2fx", row.rate() / base.rate()) : "-", latency(row),
                base == null ? "-" : latency(base)));
        }
        out.append("\nmsgs/s per member: deliveries in the measurement window per second at each member, averaged"
            + " over the members (every member receives, senders included). Latency: one-way, send to delivery,"
            + " System.nanoTime() on one host, all deliveries of all members merged, at full speed (so mostly"
            + " queueing). Failed cells:\n\n");
        rows.stream().filter(row -> !row.ok()).forEach(row -> out.append(String.format(Locale.ROOT,
            "- %s, N=%d, %s sender%s, %d B: %s%n", row.config(), row.members(), row.senders(),
            row.senders().equals("all") ? "s" : "", row.size(), row.failure())));
        if (rows.stream().allMatch(Row::ok)) {
            out.append("- none\n");
        }
        return out.toString();
    }

    private static String rate(Row row) {
        return row.ok() ? String.format(Locale.ROOT, "%.0f", row.rate()) : "FAILED";
    }

    private static String latency(Row row) {
        return row.ok() ? String.format(Locale.ROOT, "%.0f / %.0f", row.p50(), row.p99()) : "-";
    }
}
