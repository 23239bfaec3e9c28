package io.consort.cli.demo;

import io.consort.cli.Consort;
import io.consort.cli.status.StatusFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.agrona.concurrent.status.CountersReader;

/**
 * One {@code consort member} in a process of its own (in a network namespace when given one), journaling its
 * history into a directory; watched through its status file, driven through its stdin (chat and {@code /}
 * commands), and killed, stopped and continued with real signals. Used by the demo and by the process tests.
 */
public final class MemberLauncher {
    private final String name;
    private final Path journal;
    private final Path statDir;
    private final Process process;
    private final OutputStream stdin;
    private final StringBuffer output = new StringBuffer();

    private MemberLauncher(String name, Path journal, Path statDir, Process process, Consumer<String> lines) {
        this.name = name;
        this.journal = journal;
        this.statDir = statDir;
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread pump = new Thread(() -> pump(lines), name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts member {@code index} of the address book {@code members} as {@code m<index>}, inside namespace
     * {@code namespace} (null: here), with {@code extra} options (transport, traffic, ...). Its journal is
     * {@code <dir>/m<index>-run<run>.journal}; every line it prints goes to {@code lines} as well.
     */
    public static MemberLauncher start(String namespace, Path dir, int index, String members, List<String> extra,
                                       int run, Consumer<String> lines) throws IOException {
        String name = "m" + index;
        Path journal = dir.resolve(name + "-run" + run + ".journal");
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(List.of("ip", "netns", "exec", namespace));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), Consort.class.getName(), "member",
            "--members", members, "--address", Integer.toString(index), "--name", name,
            "--journal", journal.toString(), "--stat-dir", dir.toString(), "--max-group-size", "8"));
        command.addAll(extra);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new MemberLauncher(name, journal, dir, process, lines);
    }

    private void pump(Consumer<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                lines.accept(line);
            }
        } catch (IOException gone) {
            // The process ended; its output ends here.
        }
    }

    public String name() {
        return name;
    }

    public Path journal() {
        return journal;
    }

    /**
     * A counter of this process whose label ends with {@code suffix} (for example {@code "app view size"}), or -1
     * while it has none (starting, or its status file belongs to another process of the same name).
     */
    public long counter(String suffix) {
        return read(status -> status.counter(" " + suffix));
    }

    /** The sum of this process's counters whose label contains {@code fragment}, or -1 while it has none. */
    public long sum(String fragment) {
        return read(status -> {
            CountersReader counters = status.counters();
            long[] sum = {0};
            counters.forEach((id, label) -> {
                if (label.contains(fragment)) {
                    sum[0] += counters.getCounterValue(id);
                }
            });
            return sum[0];
        });
    }

    /** Reads this process's status file, or -1 while there is none of this process (still being made). */
    private long read(ToLongFunction<StatusFile> reading) {
        Path file = StatusFile.pathOf(statDir, name);
        if (!Files.exists(file)) {
            return -1;
        }
        try (StatusFile status = StatusFile.open(file)) {
            return status.pid() == process.pid() ? reading.applyAsLong(status) : -1;
        } catch (IllegalArgumentException stillBeingMade) {
            return -1;
        }
    }

    /** Writes a line to the member's stdin: a chat line or a command such as {@code /traffic 0}. */
    public void command(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** {@code kill -9}: the process dies at once, without leaving. */
    public void kill() throws InterruptedException {
        signal("KILL");
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code TERM}, ...). */
    public void signal(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to exit and returns its status. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + seconds + " s:\n" + output);
        }
        return process.exitValue();
    }

    public void destroy() {
        process.destroyForcibly();
    }

    /** Everything the process has printed so far. */
    public String output() {
        return output.toString();
    }
}
