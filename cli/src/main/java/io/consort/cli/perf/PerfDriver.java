package io.consort.cli.perf;

import io.consort.cli.Consort;
import io.consort.cli.lab.LabFile;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * {@code consort perf --spawn N}: starts N perf processes of this very command (same JVM, classpath and
 * module flags), over UDP on 127.0.0.1 with free ports or in the lab's namespaces, shows their progress lines,
 * collects their results and prints one summary: a line per process and the aggregate, with latency merged from
 * their histograms. Fails if any process fails or delivered less than the senders sent.
 */
final class PerfDriver {
    private static final int KEPT_LINES = 30;

    private final PerfCommand options;
    private final PrintWriter out;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    PerfDriver(PerfCommand options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    int run() throws IOException, InterruptedException {
        int count = options.spawn;
        int expect = options.expect != null ? options.expect : count;
        if (expect > count) {
            throw new IllegalArgumentException("--expect " + expect + " is more than --spawn " + count);
        }
        boolean[] senders = PerfCommand.senders(options.senders, count);
        String where;
        String members = null;
        if (options.lab != null) {
            LabFile lab = LabFile.read();
            if (count > lab.size()) {
                throw new IllegalArgumentException("--spawn " + count + " is more than the lab's " + lab.size()
                    + " members: 'consort lab down', then 'consort lab up --members " + count + "'");
            }
            where = "the lab's namespaces " + LabFile.namespaceOf(0) + ".." + (count - 1);
        } else {
            members = loopbackMembers(count);
            where = "127.0.0.1";
        }
        int group = options.group != null ? options.group : ThreadLocalRandom.current().nextInt(1, 1 << 30);
        int sending = 0;
        for (boolean sends : senders) {
            sending += sends ? 1 : 0;
        }
        say(String.format(Locale.ROOT, "consort perf: %d processes over %s on %s, stack %s, %d sender%s (%s),"
                + " %d-byte messages, %s, warmup %s s, measuring %s s", count, options.transport, where,
            options.stack, sending, sending == 1 ? "" : "s", options.senders, options.size,
            options.rate == 0 ? "as fast as back-pressure allows" : options.rate + " msgs/s per sender",
            PerfCommand.trim(options.warmup), PerfCommand.trim(options.duration)));

        Path dir = Files.createTempDirectory("consort-perf-");
        Thread hook = new Thread(() -> interrupted(dir), "perf-driver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        List<Deque<String>> outputs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Process process = new ProcessBuilder(command(i, members, expect, group, dir)).redirectErrorStream(true)
                    .start();
                processes.add(process);
                Deque<String> lines = new ArrayDeque<>();
                outputs.add(lines);
                readers.add(forward("p" + i, process, lines));
            }
            List<String> failures = new ArrayList<>();
            awaitProcesses(dir, failures);
            List<PerfResult> results = new ArrayList<>();
            Histogram merged = new Histogram(1, PerfReceiver.HIGHEST_LATENCY_NANOS, 3);
            for (int i = 0; i < count; i++) {
                Process process = processes.get(i);
                readers.get(i).join(5_000);
                PerfResult result = readResult(i, dir);
                if (result == null) {
                    String status = process.isAlive() ? "still running" : "exit status " + process.exitValue();
                    failures.add("p" + i + " ended (" + status + ") without a result; its last lines:\n    "
                        + String.join("\n    ", snapshot(outputs.get(i))));
                    continue;
                }
                results.add(result);
                if (!result.passed()) {
                    failures.add("p" + i + " (" + result.member() + "): " + result.failure());
                }
                readHistogram(dir.resolve("p" + i + ".hlog"), merged);
            }
            checkDeliveredEverything(results, failures);
            PerfResult aggregate = aggregate(results, merged, failures, sending);
            summary(results, aggregate, failures);
            write(results, aggregate);
            return failures.isEmpty() ? 0 : 1;
        } finally {
            destroyAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs: it stops the processes.
            }
            deleteTree(dir);
        }
    }

    /**
     * Waits for every process to end, within a bound; one that ends without a result (it could not start, or
     * crashed) dooms the run, so the others are stopped at once rather than left waiting for it.
     */
    private void awaitProcesses(Path dir, List<String> failures) throws InterruptedException {
        long bound = (long) ((options.warmup + options.duration + 2 * options.timeout) * 1000) + 60_000;
        long deadline = System.currentTimeMillis() + bound;
        long stoppedAt = 0;
        while (processes.stream().anyMatch(Process::isAlive)) {
            for (int i = 0; i < processes.size() && stoppedAt == 0; i++) {
                if (!processes.get(i).isAlive() && !Files.exists(resultFile(dir, i))) {
                    say("p" + i + " ended without a result: stopping the others");
                    stoppedAt = System.currentTimeMillis();
                    destroyAll();
                }
            }
            if (stoppedAt == 0 && System.currentTimeMillis() > deadline) {
                failures.add("the processes did not finish within " + bound / 1000 + " s; stopped them");
                stoppedAt = System.currentTimeMillis();
                destroyAll();
            }
            if (stoppedAt != 0 && System.currentTimeMillis() > stoppedAt + 15_000) {
                processes.forEach(Process::destroyForcibly); // leaving the group took too long
            }
            Thread.sleep(100);
        }
    }

    private static Path resultFile(Path dir, int index) {
        return dir.resolve("p" + index + ".csv");
    }

    private List<String> command(int index, String members, int expect, int group, Path dir) {
        List<String> command = new ArrayList<>();
        if (options.lab != null) {
            command.addAll(List.of("ip", "netns", "exec", LabFile.namespaceOf(index)));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED", "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n"));
        String extra = System.getenv("CONSORT_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Consort.class.getName(), "perf"));
        if (options.lab != null) {
            command.addAll(List.of("--lab", Integer.toString(index)));
        } else {
            command.addAll(List.of("--members", members, "--address", Integer.toString(index)));
        }
        command.addAll(List.of("--transport", options.transport, "--queue", Integer.toString(options.network.queue),
            "--xdp-mode", options.network.xdpMode, "--stack", options.stack, "--group", Integer.toString(group),
            "--idle", options.idle, "--expect", Integer.toString(expect), "--senders", options.senders,
            "--size", Integer.toString(options.size), "--rate", Integer.toString(options.rate),
            "--warmup", Double.toString(options.warmup), "--duration", Double.toString(options.duration),
            "--timeout", Double.toString(options.timeout),
            "--output", resultFile(dir, index).toString(), "--format", "csv",
            "--multicast=" + options.network.byMulticast(options.transport, options.lab != null),
            "--histogram-log", dir.resolve("p" + index + ".hlog").toString()));
        return command;
    }

    /** Free UDP ports on 127.0.0.1, held together while chosen so that they differ. */
    private static String loopbackMembers(int count) throws IOException {
        List<DatagramSocket> sockets = new ArrayList<>();
        StringJoiner members = new StringJoiner(",");
        try {
            for (int i = 0; i < count; i++) {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                sockets.add(socket);
                members.add("127.0.0.1:" + socket.getLocalPort());
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
        return members.toString();
    }

    /** Copies a process's output to ours, each line prefixed, keeping its last lines for failure reports. */
    private Thread forward(String prefix, Process process, Deque<String> kept) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (kept) {
                        kept.addLast(line);
                        if (kept.size() > KEPT_LINES) {
                            kept.removeFirst();
                        }
                    }
                    say(prefix + " | " + line);
                }
            } catch (IOException e) {
                if (!stopping) {
                    say(prefix + " | (output lost: " + e.getMessage() + ")");
                }
            }
        }, "perf-" + prefix);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static List<String> snapshot(Deque<String> lines) {
        synchronized (lines) {
            return lines.isEmpty() ? List.of("(none)") : new ArrayList<>(lines);
        }
    }

    private static PerfResult readResult(int index, Path dir) throws IOException {
        Path file = resultFile(dir, index);
        if (!Files.exists(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            return null;
        }
        return PerfResult.fromCsv(lines.get(0), lines.get(1));
    }

    private static void readHistogram(Path file, Histogram merged) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        try {
            Object histogram;
            while ((histogram = reader.nextIntervalHistogram()) != null) {
                merged.add((Histogram) histogram);
            }
        } finally {
            reader.close();
        }
    }

    /** Each process must have delivered exactly what the senders say they sent. */
    private static void checkDeliveredEverything(List<PerfResult> results, List<String> failures) {
        long sent = 0;
        for (PerfResult result : results) {
            sent += result.sent();
        }
        for (int i = 0; i < results.size(); i++) {
            PerfResult result = results.get(i);
            if (result.passed() && result.delivered() != sent) {
                failures.add(result.member() + " delivered " + result.delivered() + " messages, but the senders sent "
                    + sent);
            }
        }
    }

    private PerfResult aggregate(List<PerfResult> results, Histogram merged, List<String> failures, int sending) {
        long sent = 0;
        long delivered = 0;
        long expected = 0;
        long inWindow = 0;
        double sentPerSecond = 0;
        double perSecond = 0;
        double megabytes = 0;
        long lost = 0;
        long duplicates = 0;
        long corrupt = 0;
        long retransmissions = 0;
        long backPressured = 0;
        for (PerfResult result : results) {
            sent += result.sent();
            delivered += result.delivered();
            expected += result.expected();
            inWindow += result.deliveredInWindow();
            sentPerSecond += result.sentPerSecond();
            perSecond += result.messagesPerSecond();
            megabytes += result.megabytesPerSecond();
            lost += result.lost();
            duplicates += result.duplicates();
            corrupt += result.corrupt();
            retransmissions += result.retransmissions();
            backPressured += result.backPressured();
        }
        double[] percentiles = PerfResult.percentilesMicros(merged);
        return new PerfResult("all", sending > 0, failures.isEmpty(), options.transport, options.stack, options.size,
            sending, options.warmup, options.duration, sent, sentPerSecond, delivered, expected, inWindow, perSecond,
            megabytes, lost, duplicates, corrupt, retransmissions, backPressured, merged.getTotalCount(),
            percentiles[0], percentiles[1], percentiles[2], percentiles[3],
            failures.isEmpty() ? null : String.join("; ", failures));
    }

    private void summary(List<PerfResult> results, PerfResult aggregate, List<String> failures) {
        StringBuilder text = new StringBuilder("\nsummary\n").append(PerfResult.tableHeader()).append('\n');
        for (PerfResult result : results) {
            text.append(result.tableRow()).append('\n');
        }
        text.append(aggregate.tableRow()).append('\n');
        text.append(String.format(Locale.ROOT, "group: %d messages sent (%.0f msgs/s, %.2f MB/s from %d sender%s),"
                + " %d deliveries (%.0f msgs/s, %.2f MB/s summed over %d processes); %d lost, %d duplicated, %d"
                + " corrupt%n", aggregate.sent(), aggregate.sentPerSecond(),
            aggregate.sentPerSecond() * options.size / 1e6, aggregate.senders(), aggregate.senders() == 1 ? "" : "s",
            aggregate.delivered(), aggregate.messagesPerSecond(), aggregate.megabytesPerSecond(), results.size(),
            aggregate.lost(), aggregate.duplicates(), aggregate.corrupt()));
        text.append(String.format(Locale.ROOT, "latency over all deliveries: p50 %.1f us, p99 %.1f us, p99.9 %.1f us,"
                + " max %.1f us (%d samples)%n", aggregate.p50Micros(), aggregate.p99Micros(), aggregate.p999Micros(),
            aggregate.maxMicros(), aggregate.latencySamples()));
        text.append("(").append(PerfResult.CLOCK_NOTE).append(")\n");
        if (failures.isEmpty()) {
            text.append("PASS: every process delivered every message, intact, in order, once");
        } else {
            text.append("FAIL:");
            for (String failure : failures) {
                text.append("\n  ").append(failure);
            }
        }
        say(text.toString());
    }

    private void write(List<PerfResult> results, PerfResult aggregate) throws IOException {
        if (options.output == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        if (options.outputFormat().equals("json")) {
            text.append("{\"latency_clock\": \"").append(PerfResult.jsonEscape(PerfResult.CLOCK_NOTE))
                .append("\",\n \"processes\": [");
            for (int i = 0; i < results.size(); i++) {
                text.append(i == 0 ? "\n  " : ",\n  ").append(results.get(i).json());
            }
            text.append("],\n \"aggregate\": ").append(aggregate.json()).append("}\n");
        } else {
            text.append(PerfResult.csvHeader()).append('\n');
            for (PerfResult result : results) {
                text.append(result.csvRow()).append('\n');
            }
            text.append(aggregate.csvRow()).append('\n');
        }
        Files.writeString(options.output, text, StandardCharsets.UTF_8);
    }

    /** On SIGINT/SIGTERM: the processes leave their group and stop (they have hooks of their own), then clean up. */
    private void interrupted(Path dir) {
        stopping = true;
        destroyAll();
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deleteTree(dir);
    }

    private void destroyAll() {
        if (processes.stream().anyMatch(Process::isAlive)) {
            stopping = true; // their streams may close under the readers: not worth a line
        }
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroy();
            }
        }
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
