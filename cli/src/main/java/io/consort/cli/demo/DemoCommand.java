package io.consort.cli.demo;

import io.consort.cli.lab.Lab;
import io.consort.cli.lab.LabFile;
import io.consort.sim.membership.History;
import io.consort.sim.membership.Journal;
import io.consort.sim.membership.VsyncChecker;
import io.consort.xsk.XskLibrary;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consort demo}: a group of real member processes, watched from outside. As root it builds a lab of
 * network namespaces and runs the members over AF_XDP (or kernel UDP when AF_XDP cannot load); without root it
 * runs them over kernel UDP on loopback; {@code --transport sim} runs the simulator's demo instead. Traffic and
 * live counters are shown while one member is killed ({@code kill -9}) and the others install a view without it,
 * it restarts and rejoins as a new incarnation, and (in the lab) a partition splits the group and heals. It ends
 * by itself with the history checker's verdict over every process's journal.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"A live demo: member processes join, one is killed and rejoins, a partition heals; the "
        + "processes' histories are checked for virtual synchrony at the end (exit status 0 when they pass)."})
public final class DemoCommand implements Callable<Integer> {
    private static final long BOUND_SECONDS = 60;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|xdp|udp|sim",
        description = "auto: AF_XDP in a lab of namespaces as root, else kernel UDP on loopback (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--members", defaultValue = "3", description = "Member processes, 2 to 5 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--rate", defaultValue = "100",
        description = "Self-checking casts per second from each member, 1 to 5000 (default: ${DEFAULT-VALUE}).")
    int rate;

    private final List<MemberLauncher> members = new ArrayList<>();
    private final List<MemberLauncher> all = new ArrayList<>();
    private LiveCounters live;
    private Path dir;
    private boolean builtLab;
    private int runs;

    @Override
    public Integer call() throws Exception {
        if (count < 2 || count > 5) {
            throw new IllegalArgumentException("--members must be 2 to 5, was " + count);
        }
        if (rate < 1 || rate > 5000) {
            throw new IllegalArgumentException("--rate must be 1 to 5000, was " + rate);
        }
        String chosen = choose();
        if (chosen.equals("sim")) {
            return io.consort.sim.demo.Demo.run(new String[0]);
        }
        dir = Files.createTempDirectory("consort-demo-");
        Thread cleanup = new Thread(this::cleanUp, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return run(chosen);
        } finally {
            cleanUp();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** The transport to run, said with why. */
    private String choose() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        switch (transport) {
            case "sim":
                say("running the simulator's demo (--transport sim)");
                return "sim";
            case "xdp", "udp":
                if (!root && transport.equals("xdp")) {
                    throw new IllegalArgumentException("--transport xdp needs root (namespaces and AF_XDP)");
                }
                return transport + (root ? "-lab" : "-loopback");
            case "auto":
                break;
            default:
                throw new IllegalArgumentException("--transport is auto, xdp, udp or sim, was '" + transport + "'");
        }
        if (!root) {
            say("not root, so no lab of namespaces and no AF_XDP: running the members over kernel UDP on loopback"
                + " (as root the demo runs them over AF_XDP in namespaces)");
            return loopbackWorks() ? "udp-loopback" : "sim";
        }
        if (!XskLibrary.isAvailable()) {
            say("AF_XDP is not available here (" + XskLibrary.unavailableReason() + "): running the members over"
                + " kernel UDP in a lab of namespaces");
            return "udp-lab";
        }
        say("root and AF_XDP available: running the members over AF_XDP in a lab of network namespaces");
        return "xdp-lab";
    }

    private boolean loopbackWorks() {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            say("kernel UDP on loopback does not work here either (" + e.getMessage() + "): running the simulator");
            return false;
        }
    }

    private int run(String chosen) throws Exception {
        boolean lab = chosen.endsWith("-lab");
        String book;
        if (lab) {
            if (LabFile.exists()) {
                LabFile existing = LabFile.read();
                if (existing.size() < count) {
                    throw new IllegalStateException("a lab of " + existing.size() + " is up; 'consort lab down' it or"
                        + " pass --members " + existing.size());
                }
                say("using the lab that is up (" + existing.size() + " namespaces)");
                book = String.join(",", List.of(existing.members().split(",")).subList(0, count));
            } else {
                Lab.up(count, 1500);
                builtLab = true;
                say("lab up: namespaces csxlab-m0..m" + (count - 1) + " on bridge " + LabFile.BRIDGE
                    + " (taken down at the end)");
                book = LabFile.read().members();
            }
        } else {
            StringJoiner ports = new StringJoiner(",");
            for (int i = 0; i < count; i++) {
                try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    ports.add("127.0.0.1:" + probe.getLocalPort());
                }
            }
            book = ports.toString();
        }
        String kind = chosen.startsWith("xdp") ? "xdp" : "udp";
        say("journals and status files in " + dir + "  (watch from another shell: CONSORT_STAT_DIR=" + dir
            + " bin/consort stat)");
        live = new LiveCounters(members);
        GroupWatch watch = new GroupWatch(members, BOUND_SECONDS, live);

        step("1. " + count + " member processes join, each multicasting " + rate
            + " self-checking messages per second");
        for (int i = 0; i < count; i++) {
            members.add(null);
            start(i, book, kind, lab);
        }
        watch.awaitOneView(count);
        watch.awaitTraffic(rate, count * rate);

        MemberLauncher victim = members.get(count - 1);
        step("2. kill -9 " + victim.name() + ": the others suspect it, flush, and install a view without it");
        victim.kill();
        watch.awaitOneView(count - 1);
        watch.awaitTraffic(rate / 2, rate);

        step("3. " + victim.name() + " restarts under the same name: a new incarnation, admitted by a merge");
        start(count - 1, book, kind, lab);
        watch.awaitOneView(count);
        watch.awaitTraffic(rate, count * rate);

        if (lab) {
            step("4. a partition: the bridge drops everything to and from m0; both sides go on in views of their"
                + " own; then it heals and they merge");
            partition(true);
            MemberLauncher[] rest = members.subList(1, count).toArray(new MemberLauncher[0]);
            watch.awaitOneView(count - 1, rest);
            watch.awaitOneView(1, members.get(0));
            watch.awaitTraffic(rate / 2, rate);
            partition(false);
            watch.awaitOneView(count);
            watch.awaitTraffic(rate, count * rate);
        }

        step((lab ? "5" : "4") + ". traffic stops; the group goes quiet; every process's journal is checked");
        for (MemberLauncher member : members) {
            member.command("/traffic 0");
        }
        watch.awaitQuiet();
        live.run();
        for (MemberLauncher member : members) {
            member.command("/quit");
        }
        for (MemberLauncher member : members) {
            member.awaitExit(BOUND_SECONDS);
        }
        return verdict();
    }

    private void start(int index, String book, String kind, boolean lab) throws IOException {
        List<String> extra = new ArrayList<>(List.of("--transport", kind, "--traffic", Integer.toString(rate),
            "--size", "200"));
        if (kind.equals("xdp")) {
            extra.addAll(List.of("--interface", "csxl" + index));
        }
        String prefix = "  m" + index + " | ";
        MemberLauncher member = MemberLauncher.start(lab ? LabFile.namespaceOf(index) : null, dir, index, book,
            extra, ++runs, line -> {
                if (line.startsWith("[") && !line.contains(" status file ") || line.startsWith("WARNING")
                    || line.startsWith("SEVERE") || line.startsWith("consort member:")) {
                    say(prefix + line);
                }
            });
        members.set(index, member);
        all.add(member);
    }

    private void partition(boolean on) {
        Lab.isolate(0, on);
        if (!on) {
            say("  the partition heals");
        }
    }

    private int verdict() throws IOException {
        VsyncChecker checker = new VsyncChecker();
        List<History> ended = new ArrayList<>();
        for (MemberLauncher member : all) {
            History history = Journal.read(member.journal(), checker);
            if (!history.crashed()) {
                ended.add(history);
            }
        }
        String violation = checker.check();
        if (violation == null) {
            violation = checker.checkConverged(ended);
        }
        long deliveries = 0;
        for (History history : checker.histories()) {
            for (History.Installed installed : history.views) {
                deliveries += installed.casts.size();
            }
        }
        System.out.println();
        if (violation != null) {
            System.out.println("verdict: FAILED: " + violation);
            return 1;
        }
        System.out.printf("verdict: PASSED. %d process histories (%d killed), %,d deliveries checked: views agree,"
            + " virtual synchrony, per-sender FIFO and exactly-once intact delivery hold, and the survivors"
            + " converged with nothing lost.%n", checker.histories().size(), checker.histories().size() - ended.size(),
            deliveries);
        return 0;
    }

    private void cleanUp() {
        for (MemberLauncher member : all) {
            member.destroy();
        }
        if (builtLab) {
            builtLab = false;
            try {
                Lab.down();
            } catch (IOException | RuntimeException e) {
                say("could not take the lab down (" + e.getMessage() + "): run 'consort lab down'");
            }
        }
    }

    private static void step(String what) {
        System.out.println();
        System.out.println("== " + what);
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
