package io.consort.bench.lab;

import io.consort.cli.perf.PerfResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The JGroups twin of {@code consort perf --spawn N --lab}: starts {@link JGroupsPerfMember} process i in namespace
 * csxlab-m&lt;i&gt; of the lab 'consort lab up' built (bound to that member's address), forwards their output,
 * and writes their rows plus an aggregate row "all" in consort perf's CSV, summed as consort perf sums: msgs/s and
 * MB/s are deliveries in the window summed over the processes, latency percentiles from the merged histograms.
 * Fails (exit 1) if any process fails or delivered other than what the senders sent.
 *
 * <pre>JGroupsPerfDriver --members N --senders all|0 --size B --warmup S --duration S --timeout S --output FILE</pre>
 */
public final class JGroupsPerfDriver {
    private JGroupsPerfDriver() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(LabOptions.parse(args));
        } catch (IllegalArgumentException | IOException e) {
            System.out.println("jgroups perf: " + e.getMessage()); // one line, for the results' failure column
            System.exit(2);
        }
    }

    private static void run(LabOptions options) throws Exception {
        int count = options.integer("members");
        if (options.integer("size") < LabMessage.HEADER || options.integer("size") > 65_536) {
            throw new IllegalArgumentException("--size must be " + LabMessage.HEADER + " (the header) to 65536 bytes,"
                + " was " + options.integer("size"));
        }
        List<String> addresses = labAddresses();
        if (count > addresses.size()) {
            throw new IllegalArgumentException(count + " members, but the lab has " + addresses.size());
        }
        Path dir = Files.createTempDirectory("consort-lab-jgroups-");
        String cluster = "consort-lab-" + ProcessHandle.current().pid();
        // A port of this run's own, so a JGroups left over from another run cannot join.
        String port = Integer.toString(ThreadLocalRandom.current().nextInt(40_000, 60_000));
        List<Process> processes = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Process::destroyForcibly)));
        for (int i = 0; i < count; i++) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", "csxlab-m" + i,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.net.preferIPv4Stack=true",
                "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n", "-cp",
                System.getProperty("java.class.path"), JGroupsPerfMember.class.getName(),
                "--index", Integer.toString(i), "--members", Integer.toString(count), "--bind", addresses.get(i),
                "--senders", options.text("senders"), "--size", options.text("size"),
                "--warmup", options.text("warmup"), "--duration", options.text("duration"),
                "--timeout", options.text("timeout"), "--cluster", cluster, "--mcast-port", port,
                "--output", dir.resolve("p" + i + ".csv").toString(),
                "--histogram-log", dir.resolve("p" + i + ".hlog").toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            processes.add(process);
            readers.add(forward("p" + i, process));
        }
        long bound = (long) ((options.seconds("warmup") + options.seconds("duration")
            + 3 * options.seconds("timeout")) * 1000) + 30_000;
        long deadline = System.currentTimeMillis() + bound;
        List<String> failures = new ArrayList<>();
        while (processes.stream().anyMatch(Process::isAlive)) {
            boolean doomed = false;
            for (int i = 0; i < count; i++) {
                doomed |= !processes.get(i).isAlive() && !Files.exists(dir.resolve("p" + i + ".csv"));
            }
            if (doomed || System.currentTimeMillis() > deadline) {
                if (!doomed) {
                    failures.add("the processes did not finish within " + bound / 1000 + " s");
                }
                processes.forEach(Process::destroy);
                Thread.sleep(5_000);
                processes.forEach(Process::destroyForcibly);
                break;
            }
            Thread.sleep(100);
        }
        for (Thread reader : readers) {
            reader.join(5_000);
        }
        List<PerfResult> rows = new ArrayList<>();
        Histogram merged = new Histogram(1, LabReceiver.HIGHEST_LATENCY_NANOS, 3);
        for (int i = 0; i < count; i++) {
            Path csv = dir.resolve("p" + i + ".csv");
            if (!Files.exists(csv)) {
                failures.add("p" + i + " ended without a result");
                continue;
            }
            PerfResult row = PerfResult.read(csv).get(0);
            rows.add(row);
            if (!row.passed()) {
                failures.add("p" + i + " (" + row.member() + "): " + row.failure());
            }
            HistogramLogReader reader = new HistogramLogReader(dir.resolve("p" + i + ".hlog").toFile());
            for (Object h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram()) {
                merged.add((Histogram) h);
            }
            reader.close();
        }
        long sent = rows.stream().mapToLong(PerfResult::sent).sum();
        for (PerfResult row : rows) {
            if (row.passed() && row.delivered() != sent) {
                failures.add(row.member() + " delivered " + row.delivered() + " messages, the senders sent " + sent);
            }
        }
        PerfResult all = aggregate(rows, merged, failures, options);
        StringBuilder text = new StringBuilder(PerfResult.csvHeader()).append('\n');
        rows.forEach(row -> text.append(row.csvRow()).append('\n'));
        text.append(all.csvRow()).append('\n');
        Files.writeString(Path.of(options.text("output")), text, StandardCharsets.UTF_8);
        System.out.println(String.format(Locale.ROOT, "jgroups: %d processes, %.0f deliveries/s summed, p50 %.1f us,"
            + " p99 %.1f us, p99.9 %.1f us: %s", count, all.messagesPerSecond(), all.p50Micros(), all.p99Micros(),
            all.p999Micros(), all.passed() ? "PASS" : "FAIL: " + all.failure()));
        try (var paths = Files.list(dir)) {
            paths.forEach(path -> path.toFile().delete());
        }
        Files.delete(dir);
        System.exit(all.passed() ? 0 : 1);
    }

    private static PerfResult aggregate(List<PerfResult> rows, Histogram merged, List<String> failures,
                                     LabOptions options) {
        double[] p = PerfResult.percentilesMicros(merged);
        int senders = LabOptions.count(LabOptions.senders(options.text("senders"), options.integer("members")));
        return new PerfResult("all", false, failures.isEmpty(), "jgroups-udp", JGroupsPerfMember.CONFIG,
            options.integer("size"), senders, options.seconds("warmup"), options.seconds("duration"),
            rows.stream().mapToLong(PerfResult::sent).sum(), rows.stream().mapToDouble(PerfResult::sentPerSecond).sum(),
            rows.stream().mapToLong(PerfResult::delivered).sum(), rows.stream().mapToLong(PerfResult::expected).sum(),
            rows.stream().mapToLong(PerfResult::deliveredInWindow).sum(),
            rows.stream().mapToDouble(PerfResult::messagesPerSecond).sum(),
            rows.stream().mapToDouble(PerfResult::megabytesPerSecond).sum(), rows.stream().mapToLong(PerfResult::lost).sum(),
            rows.stream().mapToLong(PerfResult::duplicates).sum(), rows.stream().mapToLong(PerfResult::corrupt).sum(),
            rows.stream().mapToLong(PerfResult::retransmissions).sum(),
            rows.stream().mapToLong(PerfResult::backPressured).sum(), merged.getTotalCount(), p[0], p[1], p[2], p[3],
            failures.isEmpty() ? null : String.join("; ", failures));
    }

    /** The members' IP addresses from the lab file 'consort lab up' wrote (as the cli's LabFile reads it). */
    private static List<String> labAddresses() throws IOException {
        String dir = System.getenv("CONSORT_LAB_DIR");
        Path file = Path.of(dir != null && !dir.isBlank() ? dir : "/run/consort", "lab.properties");
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        List<String> addresses = new ArrayList<>();
        for (String member : properties.getProperty("members").split(",")) {
            addresses.add(member.substring(0, member.lastIndexOf(':')));
        }
        return addresses;
    }

    private static Thread forward(String prefix, Process process) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (System.out) {
                        System.out.println(prefix + " | " + line);
                    }
                }
            } catch (IOException e) {
                // The process was stopped; its result (or its absence) says the rest.
            }
        }, "forward-" + prefix);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
