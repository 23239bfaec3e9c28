package io.consort.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the comparison CSV ({@link CompareRun} rows) as PNG charts and prints each Consort configuration's rate as
 * a ratio of JGroups' on the same kind of network (in memory: SHARED_LOOPBACK; UDP: JGroups over UDP multicast),
 * at the same size and senders, from the same run.
 *
 * <pre>CompareCharts results.csv OUTPUT_DIR</pre>
 */
public final class CompareCharts {
    private CompareCharts() {
    }

    record Row(String system, String transport, String bundling, int size, String senders, double rate,
               boolean complete, double p50, double p99, double p999, int maxPacket) {
        String config() {
            if (system.equals("jgroups")) {
                return transport.equals("udp") ? "JGroups UDP multicast" : "JGroups SHARED_LOOPBACK";
            }
            String network = switch (transport) {
                case "inmem" -> "in-memory";
                case "udp" -> "UDP";
                case "udp-mmsg" -> "UDP sendmmsg";
                case "udp-gso" -> "UDP sendmmsg+GSO";
                default -> transport;
            };
            return "Consort " + network + (bundling.equals("on") ? " +bundling" : "")
                + (maxPacket > 1472 ? " (" + maxPacket + " B datagrams)" : "");
        }

        /** The JGroups configuration that is the yardstick for this row's kind of network. */
        String yardstick() {
            return transport.equals("inmem") ? "JGroups SHARED_LOOPBACK" : "JGroups UDP multicast";
        }
    }

    public static void main(String[] args) throws IOException {
        List<Row> rows = read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        for (String senders : List.of("one", "all")) {
            throughputChart(rows, senders, out.resolve("throughput-" + senders + "-sender" + (senders.equals("all")
                ? "s" : "") + ".png"));
        }
        latencyChart(rows, "p50", out.resolve("latency-p50.png"));
        latencyChart(rows, "p99", out.resolve("latency-p99.png"));
        printRatios(rows);
    }

    static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        Map<String, Integer> column = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            column.put(header[i], i);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank() || line.startsWith("system,")) {
                continue;
            }
            String[] f = line.split(",");
            rows.add(new Row(f[column.get("system")], f[column.get("transport")], f[column.get("bundling")],
                Integer.parseInt(f[column.get("size")]), f[column.get("senders")],
                Double.parseDouble(f[column.get("delivered_per_s")]), Boolean.parseBoolean(f[column.get("complete")]),
                Double.parseDouble(f[column.get("p50_us")]), Double.parseDouble(f[column.get("p99_us")]),
                Double.parseDouble(f[column.get("p999_us")]),
                column.containsKey("max_packet") ? Integer.parseInt(f[column.get("max_packet")]) : 0));
        }
        return rows;
    }

    private static List<Integer> sizes(List<Row> rows) {
        Set<Integer> sizes = new java.util.TreeSet<>();
        rows.forEach(row -> sizes.add(row.size()));
        return new ArrayList<>(sizes);
    }

    private static Set<String> configs(List<Row> rows) {
        Set<String> configs = new LinkedHashSet<>();
        rows.forEach(row -> configs.add(row.config()));
        return configs;
    }

    private static void throughputChart(List<Row> rows, String senders, Path png) throws IOException {
        List<Row> selected = rows.stream().filter(row -> row.senders().equals(senders)).toList();
        if (selected.isEmpty()) {
            return;
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(720)
            .title("Messages delivered per second per member, 3 members, " + senders + " sender"
                + (senders.equals("all") ? "s" : ""))
            .xAxisTitle("message size (bytes)").yAxisTitle("msgs/s (log)").build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        addSeries(chart, selected, Row::rate);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void latencyChart(List<Row> rows, String percentile, Path png) throws IOException {
        List<Row> selected = rows.stream().filter(row -> row.senders().equals("one") && row.p50() > 0).toList();
        if (selected.isEmpty()) {
            return;
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(720)
            .title("Latency " + percentile + ", multicast to delivery at all 3 members, one message in flight")
            .xAxisTitle("message size (bytes)").yAxisTitle("microseconds (log)").build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        addSeries(chart, selected, percentile.equals("p50") ? Row::p50 : Row::p99);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void style(CategoryChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setAvailableSpaceFill(0.85);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    }

    private static void addSeries(CategoryChart chart, List<Row> rows, java.util.function.ToDoubleFunction<Row> value) {
        // Bars start at the axis minimum: on a log axis it must be positive, a power of ten below the least value.
        double least = rows.stream().mapToDouble(value).filter(v -> v > 0).min().orElse(1);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(least))));
        List<Integer> sizes = sizes(rows);
        List<String> labels = sizes.stream().map(String::valueOf).toList();
        for (String config : configs(rows)) {
            List<Double> values = new ArrayList<>();
            for (int size : sizes) {
                double v = rows.stream().filter(row -> row.config().equals(config) && row.size() == size)
                    .mapToDouble(value).findFirst().orElse(0.0);
                values.add(v > 0 ? v : null); // missing (or a failed run): no bar, and the log axis stays valid
            }
            chart.addSeries(config, labels, values);
        }
    }

    /** Consort rate / JGroups rate for the same kind of network, size and senders; a failed check is marked. */
    private static void printRatios(List<Row> rows) {
        System.out.println("| configuration | senders | size | msgs/s | JGroups msgs/s | ratio | p50 us | JGroups p50 us |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            if (row.system().equals("jgroups")) {
                continue;
            }
            Row base = rows.stream().filter(other -> other.config().equals(row.yardstick())
                && other.size() == row.size() && other.senders().equals(row.senders())).findFirst().orElse(null);
            System.out.println(String.format(Locale.ROOT, "| %s | %s | %d | %.0f%s | %s | %s | %s | %s |", row.config(),
                row.senders(), row.size(), row.rate(), row.complete() ? "" : " (check FAILED)",
                base == null ? "-" : String.format(Locale.ROOT, "%.0f%s", base.rate(), base.complete() ? "" : " (check FAILED)"),
                base == null ? "-" : String.format(Locale.ROOT, "%.2fx", row.rate() / base.rate()),
                row.p50() > 0 ? String.format(Locale.ROOT, "%.1f", row.p50()) : "-",
                base != null && base.p50() > 0 ? String.format(Locale.ROOT, "%.1f", base.p50()) : "-"));
        }
    }
}
