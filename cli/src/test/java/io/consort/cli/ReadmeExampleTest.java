package io.consort.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's complete example, as a user would take it: extracted from README.md, compiled against the
 * project's jars, and run as two processes over kernel UDP on loopback; a line typed into one reaches the other.
 */
class ReadmeExampleTest {
    private static final String MARK = "<!-- Chat.java: compiled and run by ReadmeExampleTest -->";

    @TempDir
    Path dir;

    @Test
    void theChatExampleCompilesAndTwoProcessesTalk() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int mark = readme.indexOf(MARK);
        assertTrue(mark >= 0, "README.md has the marked example");
        int start = readme.indexOf("```java\n", mark) + "```java\n".length();
        String source = readme.substring(start, readme.indexOf("```", start));
        Path file = dir.resolve("Chat.java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
            file.toString());
        assertEquals(0, compiled, "the README's example compiles");

        String book = freeAddress() + " " + freeAddress();
        Process zero = chat(0, book, "zero");
        Process one = chat(1, book, "one");
        try (OutputStream in = zero.getOutputStream()) {
            awaitLine("one", "view", " 1#");
            awaitLine("zero", "view", " 1#");
            in.write("hello from zero\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitLine("one", "0#", "hello from zero");
        }
        one.getOutputStream().close();
        assertTrue(zero.waitFor(30, TimeUnit.SECONDS) && one.waitFor(30, TimeUnit.SECONDS), "both leave at EOF");
        assertEquals(0, zero.exitValue(), () -> output("zero"));
        assertEquals(0, one.exitValue(), () -> output("one"));
    }

    private Process chat(int index, String book, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", dir + java.io.File.pathSeparator + System.getProperty("java.class.path"), "Chat",
            Integer.toString(index)));
        command.addAll(List.of(book.split(" ")));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name).toFile())
            .start();
    }

    /** Waits (a liveness bound, not a timing) until the process has printed a line containing both parts. */
    private void awaitLine(String name, String first, String second) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : output(name).split("\n")) {
                if (line.contains(first) && line.contains(second)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with '" + first + "' and '" + second + "' from " + name + ":\n"
            + output(name));
    }

    private String output(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "";
        }
    }

    private static String freeAddress() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + probe.getLocalPort();
        }
    }
}
