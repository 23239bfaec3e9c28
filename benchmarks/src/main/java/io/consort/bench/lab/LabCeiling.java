package io.consort.bench.lab;

import io.consort.cli.perf.PerfResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The transports alone ({@link TransportCeiling}'s rows in ceiling.csv, written by bench-lab) beside Consort's
 * one-sender cells of the same run: how much of what the path carries the whole stack delivers.
 */
final class LabCeiling {
    private LabCeiling() {
    }

    record Row(String transport, int members, int size, double receiverRate, double offeredRate) {
    }

    /** ceiling.csv: {@code jdk,transport,members,size_bytes,receiver_per_s,sender_offered_per_s}. */
    static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = PerfResult.parseCsvLine(line);
            rows.add(new Row(cells.get(1), Integer.parseInt(cells.get(2)), Integer.parseInt(cells.get(3)),
                Double.parseDouble(cells.get(4)), Double.parseDouble(cells.get(5))));
        }
        return rows;
    }

    /** A markdown section: per transport, members and size, the ceiling and Consort's share of it. */
    static String table(List<Row> ceilings, List<LabCharts.Row> cells) {
        StringBuilder out = new StringBuilder("\n## The transport alone\n\nMember 0 floods casts through the"
            + " transport as Consort builds it (same factory, bundling, multicast), with no stack above it and no flow"
            + " control; the others count what arrives. That is the most the path carries here; Consort's"
            + " one-sender rate of the same run is set beside it.\n\n| members | size B | transport | transport alone,"
            + " msgs/s per receiver | offered by member 0 | Consort one sender, msgs/s per member | Consort / alone"
            + " |\n|---|---|---|---|---|---|---|\n");
        for (Row ceiling : ceilings) {
            LabCharts.Row consort = cells.stream().filter(cell -> cell.system().equals("consort")
                && cell.transport().equals(ceiling.transport()) && cell.members() == ceiling.members()
                && cell.size() == ceiling.size() && cell.senders().equals("one") && cell.ok()).findFirst().orElse(null);
            out.append(String.format(Locale.ROOT, "| %d | %d | %s | %.0f | %.0f | %s | %s |%n", ceiling.members(),
                ceiling.size(), ceiling.transport(), ceiling.receiverRate(), ceiling.offeredRate(),
                consort == null ? "-" : String.format(Locale.ROOT, "%.0f", consort.rate()),
                consort == null || ceiling.receiverRate() == 0 ? "-"
                    : String.format(Locale.ROOT, "%.0f %%", 100 * consort.rate() / ceiling.receiverRate())));
        }
        return out.toString();
    }
}
