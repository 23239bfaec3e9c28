package io.consort.cli.perf;

import io.consort.cli.lab.LabFile;
import io.consort.cli.member.NetworkOptions;
import io.consort.stacks.StackDescription;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code consort perf}: throughput and latency of a group of member processes, with every delivery checked. One
 * process is one member; {@code --spawn N} starts N of them on this machine and sums them up.
 */
@Command(name = "perf", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measures a group's throughput and latency, one member per process, and checks every delivery:"
        + " each message carries its sender's sequence number, a send timestamp and a CRC32C, and any loss,"
        + " duplicate or corruption fails the run (exit status 1).",
        "Start here: 'consort perf --spawn 3' runs three member processes over UDP on 127.0.0.1 and prints one"
            + " summary. Without --spawn this process is one member (--members/--address or --lab INDEX) and"
            + " waits for --expect members before it starts.",
        "Prints a progress line per second (deliveries, MB/s, retransmissions, back-pressure), then totals,"
            + " throughput, and latency p50/p99/p99.9/max (HdrHistogram). Latency is one-way: delivery time minus"
            + " send time, both System.nanoTime() (CLOCK_MONOTONIC, one clock for all processes of one machine), so"
            + " it is valid when every member runs on this host (processes or lab namespaces), not across hosts."},
    footer = {"", "Examples:",
        "  consort perf --spawn 3                    (3 processes on 127.0.0.1, all sending)",
        "  consort perf --spawn 3 --senders 0 --size 1024 --output perf.json",
        "  consort lab up --members 3 && consort perf --spawn 3 --lab --transport xdp",
        "  consort perf --members A:7400,B:7400 --address 0       (one process per host)"})
public final class PerfCommand implements Callable<Integer> {
    static final int MAX_SIZE = 65_536;
    static final int MAX_SPAWN = 16;
    /** --lab without an index: the driver runs its processes in the lab. */
    static final int WHOLE_LAB = -1;

    @Option(names = "--spawn", paramLabel = "N",
        description = "Start N perf processes of this command on this machine (UDP on 127.0.0.1 with free ports,"
            + " or in the lab's namespaces with --lab) and print one summary.")
    Integer spawn;

    @Option(names = "--members", paramLabel = "IP:PORT,...",
        description = "Every member's address, in the same order at every process.")
    String members;

    @Option(names = "--address", paramLabel = "IP:PORT|INDEX", description = "This process's address in --members.")
    String address;

    @Option(names = "--lab", arity = "0..1", fallbackValue = "-1", paramLabel = "INDEX",
        description = "Member INDEX of the lab 'consort lab up' built (its addresses and interface); with --spawn,"
            + " no INDEX: run the processes in the lab's namespaces.")
    Integer lab;

    @Option(names = "--transport", defaultValue = "udp-batched", paramLabel = "udp-batched|udp|xdp",
        description = "Kernel UDP batched (sendmmsg/recvmmsg, segmentation offload) with small packets bundled,"
            + " kernel UDP a datagram per system call (pure Java), or AF_XDP (root, --interface) (default:"
            + " ${DEFAULT-VALUE}).")
    String transport;

    @Mixin
    NetworkOptions network;

    @Option(names = "--stack", defaultValue = "vsync",
        description = "Stack: a name (vsync, primary-vsync) or a description with membership, gmp:frag:... "
            + "(default: ${DEFAULT-VALUE}).")
    String stack;

    @Option(names = "--group", paramLabel = "ID",
        description = "Group id, the same at every process (default: 49375; --spawn picks a fresh one per run).")
    Integer group;

    @Option(names = "--idle", defaultValue = "backoff", paramLabel = "backoff|sleep|spin",
        description = "Idle strategy of the member's duty thread (default: ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--expect", paramLabel = "N",
        description = "Start when the view has N members (default: all of --members, or --spawn N).")
    Integer expect;

    @Option(names = "--senders", defaultValue = "all", paramLabel = "all|I,J,...",
        description = "Which members send, by index in --members (default: ${DEFAULT-VALUE}); all receive.")
    String senders;

    @Option(names = "--size", defaultValue = "1024", paramLabel = "BYTES",
        description = "Message size, " + PerfMessage.HEADER + " (the header) to " + MAX_SIZE
            + " (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "MSGS_PER_S",
        description = "Messages per second per sender; 0 = as fast as back-pressure allows (default:"
            + " ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS",
        description = "Sending before the measurement starts (while the JIT compiles), not counted (default:"
            + " ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--duration", defaultValue = "5", paramLabel = "SECONDS",
        description = "Measured sending time (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
        description = "Bound on waiting for the --expect members, and on waiting for every sender's last"
            + " message after the end (then the run fails, naming what is missing) (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the result to FILE.")
    Path output;

    @Option(names = "--format", paramLabel = "csv|json",
        description = "Format of --output (default: json if FILE ends in .json, else csv).")
    String format;

    /** The driver collects its processes' latency histograms here, to merge them. */
    @Option(names = "--histogram-log", hidden = true, paramLabel = "FILE")
    Path histogramLog;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        if (spawn != null) {
            return new PerfDriver(this, out).run();
        }
        return new PerfRun(this, out).run();
    }

    /** Checks what does not depend on the address book; throws IllegalArgumentException saying what to change. */
    void validate() {
        if (!transport.equals("udp") && !transport.equals("udp-batched") && !transport.equals("xdp")) {
            throw new IllegalArgumentException("--transport is udp, udp-batched or xdp, was '" + transport + "'");
        }
        if (!idle.equals("backoff") && !idle.equals("sleep") && !idle.equals("spin")) {
            throw new IllegalArgumentException("--idle is backoff, sleep or spin, was '" + idle + "'");
        }
        if (size < PerfMessage.HEADER || size > MAX_SIZE) {
            throw new IllegalArgumentException("--size must be " + PerfMessage.HEADER + " (the header: sequence,"
                + " timestamp, checksum) to " + MAX_SIZE + " bytes, was " + size);
        }
        if (rate < 0 || rate > 10_000_000) {
            throw new IllegalArgumentException("--rate must be 0 (as fast as possible) to 10000000 messages/s, was "
                + rate);
        }
        seconds("--warmup", warmup, 0, 3600);
        seconds("--duration", duration, 0.1, 86_400);
        seconds("--timeout", timeout, 1, 3600);
        if (group != null && group < 0) {
            throw new IllegalArgumentException("--group must be 0 or more, was " + group);
        }
        if (expect != null && expect < 1) {
            throw new IllegalArgumentException("--expect must be 1 or more, was " + expect);
        }
        network.validate();
        if (format != null && output == null) {
            throw new IllegalArgumentException("--format " + format + " needs --output FILE");
        }
        if (format != null && !format.equals("csv") && !format.equals("json")) {
            throw new IllegalArgumentException("--format is csv or json, was '" + format + "'");
        }
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("--output " + output + ": directory " + parent + " does not exist");
            }
            if (Files.isDirectory(output)) {
                throw new IllegalArgumentException("--output " + output + " is a directory; name a file");
            }
        }
        StackDescription description = StackDescription.parse(stack);
        if (!description.layerNames().contains("gmp")) {
            throw new IllegalArgumentException("--stack " + stack + " has no membership layer (gmp): perf members"
                + " join a group; use vsync, primary-vsync or a description starting with gmp:");
        }
        if (spawn != null) {
            if (spawn < 1 || spawn > MAX_SPAWN) {
                throw new IllegalArgumentException("--spawn must be 1 to " + MAX_SPAWN + ", was " + spawn);
            }
            if (members != null || address != null) {
                throw new IllegalArgumentException("--spawn chooses the addresses itself: drop --members and"
                    + " --address (or drop --spawn to run one member)");
            }
            if (lab != null && lab != WHOLE_LAB) {
                throw new IllegalArgumentException("with --spawn, --lab takes no index (it runs process i in"
                    + " namespace " + LabFile.NAMESPACE_PREFIX + "m<i>)");
            }
            if (lab == null && transport.equals("xdp")) {
                throw new IllegalArgumentException("--spawn over xdp needs --lab (AF_XDP does not run on the"
                    + " loopback interface): 'consort lab up --members N', then --spawn N --lab --transport xdp");
            }
        } else if (lab != null && lab == WHOLE_LAB) {
            throw new IllegalArgumentException("--lab needs a member INDEX (or use --spawn N --lab)");
        }
    }

    private static void seconds(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(option + " must be " + trim(min) + " to " + trim(max) + " seconds, was "
                + trim(value));
        }
    }

    static String trim(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value)
            : Double.toString(value);
    }

    /** Parses --senders against an address book of {@code count} members. */
    static boolean[] senders(String text, int count) {
        boolean[] sends = new boolean[count];
        if (text.trim().equals("all")) {
            java.util.Arrays.fill(sends, true);
            return sends;
        }
        for (String item : text.split(",", -1)) {
            String index = item.trim();
            if (!index.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("--senders is 'all' or member indexes like 0,2; '" + item
                    + "' is not an index");
            }
            int i = Integer.parseInt(index);
            if (i >= count) {
                throw new IllegalArgumentException("--senders " + i + " is not a member (0 to " + (count - 1) + ")");
            }
            if (sends[i]) {
                throw new IllegalArgumentException("--senders lists " + i + " twice");
            }
            sends[i] = true;
        }
        return sends;
    }

    String outputFormat() {
        if (format != null) {
            return format;
        }
        return output != null && output.toString().endsWith(".json") ? "json" : "csv";
    }
}
