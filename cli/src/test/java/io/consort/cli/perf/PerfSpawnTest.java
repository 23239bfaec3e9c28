package io.consort.cli.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.cli.Consort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * What a user runs first: {@code consort perf --spawn 3} over UDP on loopback, briefly and at a small rate so it
 * is light on a small machine; also over batched, bundled UDP with the total-order stack. It must pass with every
 * process delivering every message of every sender; how fast is not judged.
 */
class PerfSpawnTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"udp, vsync", "udp-batched, total"})
    void threeProcessesOverLoopbackDeliverEverything(String transport, String stack) throws Exception {
        Path output = dir.resolve("perf.csv");
        String[] args = {"perf", "--spawn", "3", "--size", "256", "--rate", "200", "--warmup", "0.5", "--duration",
            "1.5", "--transport", transport, "--stack", stack, "--output", output.toString()};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Consort.commandLine(args);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        String text = out + "\n" + err;
        assertEquals(0, status, text);
        assertTrue(text.contains("PASS: every process delivered every message"), text);
        assertTrue(text.contains("p2 | "), "the processes' progress is shown:\n" + text);

        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(1 + 3 + 1, lines.size(), () -> "a header, 3 processes and the aggregate:\n" + lines);
        List<PerfResult> processes = new ArrayList<>();
        for (String row : lines.subList(1, 4)) {
            processes.add(PerfResult.fromCsv(lines.get(0), row));
        }
        long sent = processes.stream().mapToLong(PerfResult::sent).sum();
        assertTrue(sent > 0, "messages were sent");
        for (PerfResult process : processes) {
            assertTrue(process.passed(), process::failure);
            assertTrue(process.sender(), "--senders all");
            assertTrue(process.sent() > 0, process.member() + " sent");
            assertEquals(sent, process.delivered(), process.member() + " delivered everything every sender sent");
            assertEquals(sent, process.expected());
            assertEquals(0, process.lost() + process.duplicates() + process.corrupt());
            assertTrue(process.latencySamples() > 0, process.member() + " measured latency");
        }
        PerfResult all = PerfResult.fromCsv(lines.get(0), lines.get(4));
        assertEquals("all", all.member());
        assertTrue(all.passed());
        assertEquals(3 * sent, all.delivered());
    }
}
