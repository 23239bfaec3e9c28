package io.consort.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.cli.demo.GroupWatch;
import io.consort.cli.demo.MemberLauncher;
import io.consort.sim.membership.History;
import io.consort.sim.membership.Journal;
import io.consort.sim.membership.VsyncChecker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code consort} command as a user meets it: errors, a group of processes on loopback, stat, check. */
class ConsortCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
        "member --members 127.0.0.1:x --address 0",
        "member --members 127.0.0.1:7000 --address 1",
        "member --members 127.0.0.1:7000,127.0.0.1:7000 --address 0",
        "member --members 127.0.0.1:7000 --address 0 --traffic -1",
        "member --members 127.0.0.1:7000 --address 0 --max-group-size 1000",
        "member --transport carrier-pigeon --members 127.0.0.1:7000 --address 0",
        "member --transport xdp --members 127.0.0.1:7000 --address 0",
        "member --members 127.0.0.1:7000 --address 0 --stack nosuchlayer",
        "member --address 0",
        "member --config /nonexistent/file",
        "member --members 127.0.0.1:7000 --address 0 --suspect-after 5",
        "member --members 127.0.0.1:7000 --address 0 --stack reliable-fifo --suspect-after 500",
        "stat --stat-dir /nonexistent/dir --once",
        "stat --interval-ms 0",
        "demo --members 99",
        "check /nonexistent/journal",
        "no-such-command",
        "txgen --bogus"})
    void badInputGetsOneClearLineAndNoStackTrace(String line) {
        Output output = run(line.split(" "));
        assertTrue(output.status == 1 || output.status == 2, () -> "exit status " + output.status + ": " + output);
        assertFalse(output.err.contains("\tat "), () -> "a stack trace: " + output.err);
        assertFalse(output.err.isBlank(), "an error says what is wrong");
    }

    @Test
    void helpOnEverything() {
        for (String command : List.of("member", "stat", "lab", "check", "demo", "txgen", "rxdrop", "echo")) {
            Output output = run(command, "--help");
            assertEquals(0, output.status, () -> command + ": " + output);
            assertTrue(output.out.toLowerCase().contains("usage") || output.out.contains("--"), () -> output.out);
        }
    }

    /**
     * Three members over kernel UDP on loopback form one view; {@code consort stat} shows a running member's
     * counters; one member leaves on SIGTERM and the others install a view without it; the journals pass
     * {@code consort check}.
     */
    @Test
    void aGroupOnLoopbackLeavesCleanlyOnSigterm() throws Exception {
        String book = String.join(",", freeAddress(), freeAddress(), freeAddress());
        List<MemberLauncher> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(MemberLauncher.start(null, dir, i, book, List.of("--traffic", "100"), 1, line -> { }));
            }
            GroupWatch watch = new GroupWatch(members, 60, () -> { });
            watch.awaitOneView(3);
            watch.awaitTraffic(50, 150);

            Output stat = run("stat", "--once", "--stat-dir", dir.toString(), "m0");
            assertEquals(0, stat.status, stat::toString);
            assertTrue(stat.out.contains("m0") && stat.out.contains("running") && stat.out.contains("udp sent"),
                stat::toString);

            members.get(2).signal("TERM");
            assertEquals(143, members.get(2).awaitExit(30), "SIGTERM ends the process after its hook left");
            watch.awaitOneView(2, members.get(0), members.get(1));
            for (MemberLauncher member : members.subList(0, 2)) {
                member.command("/traffic 0");
            }
            watch.awaitQuiet();
            for (MemberLauncher member : members.subList(0, 2)) {
                member.command("/quit");
            }
            for (MemberLauncher member : members.subList(0, 2)) {
                assertEquals(0, member.awaitExit(30), member::output);
            }
        } finally {
            members.forEach(MemberLauncher::destroy);
        }
        VsyncChecker checker = new VsyncChecker();
        History leaver = Journal.read(members.get(2).journal(), checker);
        assertTrue(leaver.left(), () -> "the journal of the member that got SIGTERM ends with its leave: " + leaver);
        Output check = run("check", members.get(0).journal().toString(), members.get(1).journal().toString(),
            members.get(2).journal().toString());
        assertEquals(0, check.status, check::toString);
        assertTrue(check.out.startsWith("PASSED"), check::toString);
    }

    /** {@code --transport sim}: a member with two simulated peers in its process forms a view of three and chats. */
    @Test
    void aMemberWithSimulatedPeers() throws Exception {
        Process member = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            Consort.class.getName(), "member", "--transport", "sim", "--sim-peers", "2", "--stat-dir", dir.toString())
            .redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(member.getInputStream(),
            StandardCharsets.UTF_8)); var out = member.getOutputStream()) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                seen.append(line).append('\n');
                if (line.contains(" view ") && line.contains("sim2#1")) {
                    out.write("hello peers\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (line.contains("hello peers")) {
                    out.write("/quit\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }
        assertEquals(0, member.waitFor(), seen::toString);
        assertTrue(seen.toString().contains("sim0#1: hello peers"), seen::toString);
    }

    /** A journal with a delivery missing (as a member that lost a message would write) fails the check. */
    @Test
    void checkFailsOnAHistoryThatLostAMessage() throws Exception {
        String book = String.join(",", freeAddress(), freeAddress());
        List<MemberLauncher> members = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                members.add(MemberLauncher.start(null, dir, i, book, List.of("--traffic", "100"), 1, line -> { }));
            }
            GroupWatch watch = new GroupWatch(members, 60, () -> { });
            watch.awaitOneView(2);
            watch.awaitTraffic(50, 100);
            for (MemberLauncher member : members) {
                member.command("/traffic 0");
            }
            watch.awaitQuiet();
            for (MemberLauncher member : members) {
                member.command("/quit");
            }
            for (MemberLauncher member : members) {
                assertEquals(0, member.awaitExit(30), member::output);
            }
        } finally {
            members.forEach(MemberLauncher::destroy);
        }
        Path journal = members.get(1).journal();
        byte[] bytes = java.nio.file.Files.readAllBytes(journal);
        int cast = lastCastRecord(bytes);
        assertTrue(cast > 0, "the journal has a cast to lose");
        byte[] cut = new byte[bytes.length - 15];
        System.arraycopy(bytes, 0, cut, 0, cast);
        System.arraycopy(bytes, cast + 15, cut, cast, bytes.length - cast - 15);
        java.nio.file.Files.write(journal, cut);
        Output check = run("check", members.get(0).journal().toString(), journal.toString());
        assertEquals(1, check.status, check::toString);
        assertTrue(check.out.startsWith("FAILED"), check::toString);
    }

    /** The offset of the journal's last cast record (15 bytes: 'C', address, incarnation, number), or -1. */
    private static int lastCastRecord(byte[] journal) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(journal);
        in.position(6);
        int last = -1;
        while (in.hasRemaining()) {
            int at = in.position();
            switch (in.get()) {
                case 'V' -> {
                    in.position(in.position() + 4 + 8 + 6);
                    int members = in.getShort();
                    in.position(in.position() + 6 * members + 2 + 1);
                }
                case 'C' -> {
                    last = at;
                    in.position(at + 15);
                }
                case 'S' -> in.position(at + 15);
                case 'L' -> { }
                case 'X' -> in.position(in.position() + in.getInt());
                case 'E' -> in.position(at + 9);
                default -> throw new AssertionError("unknown record at " + at);
            }
        }
        return last;
    }

    private static String freeAddress() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + probe.getLocalPort();
        }
    }

    private static Output run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = Consort.run(args);
            return new Output(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private record Output(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }
}
