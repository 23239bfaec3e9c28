package io.consort.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the throughput runner briefly; checks that every message arrived, not how fast. */
class GroupThroughputSmokeTest {
    @Test
    void quickRunDeliversEverythingInOrder() {
        GroupThroughput.Options options = GroupThroughput.Options.parse(
            new String[] {"--quick", "--warmup-ms", "50", "--measure-ms", "100", "--sizes", "64,8k"});
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<GroupThroughput.Result> results =
            GroupThroughput.run(options, new PrintStream(text, true, StandardCharsets.UTF_8));
        String report = text.toString(StandardCharsets.UTF_8);
        assertTrue(results.size() == 4, report);
        for (GroupThroughput.Result result : results) {
            assertTrue(result.ok(), report);
            assertTrue(result.deliveries > 0, report);
        }
    }

    @Test
    void vsyncFormsOneViewThenDeliversEverythingInOrder() {
        GroupThroughput.Options options = GroupThroughput.Options.parse(new String[] {"--quick", "--warmup-ms", "50",
            "--measure-ms", "100", "--sizes", "64", "--senders", "one", "--stack", "vsync"});
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<GroupThroughput.Result> results =
            GroupThroughput.run(options, new PrintStream(text, true, StandardCharsets.UTF_8));
        String report = text.toString(StandardCharsets.UTF_8);
        assertTrue(results.size() == 1, report);
        assertTrue(results.get(0).ok(), report);
        assertTrue(results.get(0).deliveries > 0, report);
    }
}
