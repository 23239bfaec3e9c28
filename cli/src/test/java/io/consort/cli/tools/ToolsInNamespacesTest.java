package io.consort.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.transport.VethNetwork;
import io.consort.xsk.netns.NetNamespace;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tools end to end: servers in namespace b, load generators in a, results read from their RESULT lines. */
class ToolsInNamespacesTest {
    private static final String SERVER = VethNetwork.B_IP + ":7000";
    private static final String CLIENT = VethNetwork.A_IP + ":9000";

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureOutput() {
        original = System.out;
        System.setOut(new PrintStream(output, true));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(original);
        original.print(output);
    }

    /** Runs a tool on its own platform thread inside {@code ns}. */
    private static CompletableFuture<Integer> start(NetNamespace ns, String... args) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (NetNamespace.Scope in = ns.enter()) {
                result.complete(Main.run(args));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "tool " + args[0]);
        thread.start();
        return result;
    }

    private long resultField(String tool, String field) {
        Matcher line = Pattern.compile("RESULT " + tool + " .*").matcher(output.toString());
        assertTrue(line.find(), "no RESULT line for " + tool + " in:\n" + output);
        Matcher value = Pattern.compile(" " + field + "=(\\d+)").matcher(line.group());
        assertTrue(value.find(), "no " + field + " in " + line.group());
        return Long.parseLong(value.group(1));
    }

    private void serveAndLoad(VethNetwork net, String[] server, String[] client) throws Exception {
        CompletableFuture<Integer> serving = start(net.b, server);
        Thread.sleep(1500);
        assertEquals(0, start(net.a, client).get(), output::toString);
        assertEquals(0, serving.get(), output::toString);
    }

    private static String[] xskClient(String size) {
        return new String[] {"echo-client", "--interface", VethNetwork.A_IF, "--src", CLIENT, "--dst", SERVER,
            "--dst-mac", VethNetwork.B_MAC, "--size", size, "--seconds", "2", "--warmup", "0", "--frames", "4096"};
    }

    @Test
    void echoOverAfXdpBothWays() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            serveAndLoad(net, new String[] {"echo", "--interface", VethNetwork.B_IF, "--bind", SERVER, "--seconds", "4",
                "--warmup", "0", "--frames", "4096"}, xskClient("1400"));
            assertTrue(resultField("echo-client", "packets") > 100, output::toString);
            assertEquals(0, resultField("echo-client", "bad"));
        }
    }

    @Test
    void afXdpClientAgainstKernelEchoServers() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            serveAndLoad(net, new String[] {"udp-echo", "--bind", SERVER, "--seconds", "4", "--warmup", "0"},
                xskClient("200"));
            assertTrue(resultField("echo-client", "packets") > 100, output::toString);
            output.reset();
            serveAndLoad(net, new String[] {"udp-echo-batched", "--bind", SERVER, "--seconds", "4", "--warmup", "0"},
                xskClient("64"));
            assertTrue(resultField("echo-client", "packets") > 100, output::toString);
            assertEquals(0, resultField("echo-client", "bad"));
        }
    }

    @Test
    void kernelClientAgainstBatchedKernelEcho() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            serveAndLoad(net, new String[] {"udp-echo-batched", "--bind", SERVER, "--seconds", "3", "--warmup", "0"},
                new String[] {"udp-client", "--server", SERVER, "--seconds", "1", "--warmup", "0"});
            assertTrue(resultField("udp-client", "packets") > 100, output::toString);
            assertEquals(0, resultField("udp-client", "bad"));
        }
    }

    @Test
    void txgenToRxdropParsesEveryFrame() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            serveAndLoad(net, new String[] {"rxdrop", "--interface", VethNetwork.B_IF, "--ports", "7000", "--parse",
                "--seconds", "3", "--warmup", "0", "--frames", "4096"},
                new String[] {"txgen", "--interface", VethNetwork.A_IF, "--src", CLIENT, "--dst", SERVER, "--dst-mac",
                    VethNetwork.B_MAC, "--size", "800", "--seconds", "1", "--warmup", "0", "--frames", "4096"});
            assertTrue(resultField("txgen", "packets") > 1000, output::toString);
            assertTrue(resultField("rxdrop", "packets") > 1000, output::toString);
            assertTrue(output.toString().matches("(?s).*RESULT rxdrop .*rejected: \\n.*"), output::toString);
        }
    }

    @Test
    void helpAndUsageErrors() {
        assertEquals(0, Main.run(new String[] {"txgen", "--help"}));
        assertTrue(output.toString().contains("--rate PPS"));
        assertEquals(2, Main.run(new String[] {"rxdrop", "--bogus"}));
        assertEquals(2, Main.run(new String[] {"no-such-tool"}));
        assertEquals(2, Main.run(new String[] {}));
    }
}
