package io.consort.cli.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.cli.Consort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Every bad option of {@code consort perf} is refused before anything starts, in one line that says why. */
class PerfOptionsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--spawn 3 --size 16                                  | --size must be 32",
        "--spawn 3 --size 70000                               | --size must be 32",
        "--spawn 3 --size many                                | Invalid value for option '--size'",
        "--spawn 3 --rate -5                                  | --rate must be 0",
        "--spawn 3 --duration 0                               | --duration must be 0.1 to 86400 seconds",
        "--spawn 3 --duration NaN                             | --duration must be",
        "--spawn 3 --warmup -1                                | --warmup must be 0 to 3600 seconds",
        "--spawn 3 --timeout 0                                | --timeout must be 1",
        "--spawn 3 --transport sim                            | --transport is udp, udp-batched or xdp",
        "--spawn 3 --transport xdp                            | --spawn over xdp needs --lab",
        "--spawn 3 --idle lazy                                | --idle is backoff, sleep or spin",
        "--spawn 3 --format json                              | --format json needs --output FILE",
        "--spawn 3 --format xml --output /tmp/x               | --format is csv or json",
        "--spawn 3 --output /nonexistent/dir/perf.csv         | does not exist",
        "--spawn 0                                            | --spawn must be 1 to 16",
        "--spawn 99                                           | --spawn must be 1 to 16",
        "--spawn 3 --members 127.0.0.1:7400                   | --spawn chooses the addresses itself",
        "--spawn 3 --lab 1                                    | --lab takes no index",
        "--spawn 3 --senders 3                                | --senders 3 is not a member (0 to 2)",
        "--spawn 3 --senders 0,0                              | --senders lists 0 twice",
        "--spawn 3 --senders one                              | --senders is 'all' or member indexes",
        "--spawn 3 --senders 0,                               | --senders is 'all' or member indexes",
        "--spawn 3 --expect 4                                 | --expect 4 is more than --spawn 3",
        "--spawn 3 --expect 0                                 | --expect must be 1 or more",
        "--spawn 3 --stack reliable-fifo                      | has no membership layer (gmp)",
        "--spawn 3 --stack gmp:nosuchlayer                    | nosuchlayer",
        "--spawn 3 --group -1                                 | --group must be 0 or more",
        "--address 0                                          | --members and --address are required",
        "--lab                                                | --lab needs a member INDEX",
        "--members 127.0.0.1:7400 --address 1                 | --address index 1 is not in --members",
        "--members 127.0.0.1:7400,127.0.0.1:7401 --address 0 --expect 3 | --expect 3 is more than the 2 members",
        "--members 127.0.0.1:7400,127.0.0.1:7401 --address 0 --senders 2 | --senders 2 is not a member (0 to 1)",
        "--members 127.0.0.1:7400 --address 0 --transport xdp | --transport xdp needs --interface",
        "--bogus                                              | Unknown option"})
    void badOptionsAreOneClearLine(String line, String expected) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = ("perf " + line.trim()).split("\\s+");
        CommandLine command = Consort.commandLine(args);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        String text = err.toString();
        assertEquals(2, status, () -> "exit status for " + line + ": " + text + out);
        assertTrue(text.contains(expected), () -> "for " + line + " expected '" + expected + "' in: " + text);
        assertFalse(text.contains("\tat "), () -> "a stack trace: " + text);
        assertTrue(out.toString().isEmpty(), () -> "nothing started: " + out);
    }

    @Test
    void helpSaysWhereLatencyIsValid() {
        StringWriter out = new StringWriter();
        CommandLine command = Consort.commandLine("perf", "--help");
        command.setOut(new PrintWriter(out, true));
        assertEquals(0, command.execute("perf", "--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("CLOCK_MONOTONIC"), help);
        assertTrue(help.contains("--spawn"), help);
        assertTrue(help.contains("not across hosts"), help);
    }

    @Test
    void outputFormatFollowsTheFileName() {
        PerfCommand command = new PerfCommand();
        command.output = dir.resolve("perf.json");
        assertEquals("json", command.outputFormat());
        command.output = dir.resolve("perf.csv");
        assertEquals("csv", command.outputFormat());
        command.format = "json";
        assertEquals("json", command.outputFormat());
    }
}
