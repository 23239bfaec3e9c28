package io.consort.sim.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo runs its whole scenario and passes its own verdict; its options fail with one clear line. */
class DemoTest {
    @Test
    void defaultRunShowsEveryPhaseAndPasses() {
        String output = run();
        assertTrue(output.contains("installed, first by 2#2"), output);
        assertTrue(output.contains("[0#1 1#1]  |  "), "two views while partitioned\n" + output);
        assertTrue(output.contains("heal the network"), output);
        assertTrue(output.contains("in order: OK"), output);
        assertTrue(output.contains("having delivered the same casts: OK"), output);
    }

    @Test
    void sameSeedGivesSameRun() {
        assertEquals(run("--members", "3", "--seed", "11"), run("--members", "3", "--seed", "11"));
    }

    @Test
    void badArgumentsAreOneLine() {
        String[][] bad = {{"--interval-ms", "0"}, {"--interval-ms", "-1"}, {"--cast-every-ms", "0"},
            {"--max-length", "2000000000"}, {"--members", "1"}, {"--members", "four"}, {"--loss", "NaN"},
            {"--nonsense", "1"}, {"--seed"}};
        for (String[] args : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(args, System.out), String.join(" ", args));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(args[0]), e.getMessage());
        }
    }

    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean ok = new Demo(DemoOptions.parse(args, out), out).run();
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, output);
        return output;
    }
}
