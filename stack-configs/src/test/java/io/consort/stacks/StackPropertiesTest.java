package io.consort.stacks;

import static io.consort.stacks.StackDescriptionTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.consort.layers.proto.Flow;
import io.consort.layers.proto.Mnak;
import io.consort.layers.proto.Pt2pt;
import io.consort.layers.runtime.Layer;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@link StackDescription#fromProperties}: {@code consort.stack} plus {@code consort.<layer>.<param>}. */
class StackPropertiesTest {
    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static String failure(Properties properties) {
        return assertThrows(IllegalArgumentException.class, () -> StackDescription.fromProperties(properties))
            .getMessage();
    }

    @Test
    void noPropertiesMeansReliableFifo() {
        assertEquals(List.of("frag", "flow", "stable", "pt2pt", "mnak"),
            StackDescription.fromProperties(new Properties()).layerNames());
    }

    @Test
    void layerParametersComeFromTheirOwnKeys() {
        StackDescription stack = StackDescription.fromProperties(properties(
            "consort.stack", "reliable-fifo", "consort.mnak.window", "512", "consort.mnak.nak", "2ms",
            "consort.pt2pt.tick", "250us", "consort.flow.casts", "100", "consort.leakDetection", "strict"));
        List<Layer> layers = stack.layers();
        Mnak mnak = (Mnak) layers.get(4);
        assertEquals(512, mnak.window());
        assertEquals(2_000_000, mnak.tickIntervalNanos());
        assertEquals(250_000, layers.get(3).tickIntervalNanos());
        assertEquals(100, ((Flow) layers.get(1)).castWindow());
    }

    @Test
    void aDescriptionWithParametersIsAccepted() {
        StackDescription stack = StackDescription.fromProperties(properties(
            "consort.stack", "flow:stable:pt2pt(window=64):mnak", "consort.flow.sends", "64"));
        assertEquals(List.of("flow", "stable", "pt2pt", "mnak"), stack.layerNames());
        assertEquals(64, ((Pt2pt) stack.layers().get(2)).window());
        assertEquals(64, ((Flow) stack.layers().get(0)).sendWindow());
    }

    @Test
    void aPropertyOverridesTheDescription() {
        StackDescription stack = StackDescription.fromProperties(properties(
            "consort.stack", "frag:flow:stable:pt2pt:mnak(window=128)", "consort.mnak.window", "1024"));
        assertEquals(1024, ((Mnak) stack.layers().get(4)).window());
    }

    @Test
    void aPropertyCanMakeTheDescriptionsWindowsAgree() {
        // Alone, flow casts=512 exceeds the default mnak window; the property raises it.
        StackDescription stack = StackDescription.fromProperties(properties(
            "consort.stack", "frag:flow(casts=512):stable:pt2pt:mnak", "consort.mnak.window", "512"));
        assertEquals(512, ((Flow) stack.layers().get(1)).castWindow());
    }

    @Test
    void windowsAreCheckedAfterMerging() {
        assertMentions(failure(properties("consort.flow.casts", "1024")), "flow casts=1024 exceeds mnak window=256");
        assertMentions(failure(properties("consort.pt2pt.window", "64")), "flow sends=256 exceeds pt2pt window=64");
    }

    @Test
    void unknownParameterInAPropertyListsTheLayersParameters() {
        assertMentions(failure(properties("consort.mnak.windw", "512")),
            "layer 'mnak' has no parameter 'windw'", "its parameters are [nak, window]");
    }

    @Test
    void badValuesInPropertiesAreReportedLikeWrittenOnes() {
        assertMentions(failure(properties("consort.mnak.window", "lots")), "mnak(window=lots)", "not a whole number");
        assertMentions(failure(properties("consort.stable.gossip", "soon")), "stable(gossip=soon)",
            "not a duration");
    }

    @Test
    void aParameterForALayerTheStackLacksIsRefused() {
        assertMentions(failure(properties("consort.stack", "flow:stable:pt2pt:mnak", "consort.frag.size", "9000")),
            "consort.frag.size is set", "has no frag layer");
    }

    @Test
    void badStackPropertyIsReported() {
        assertMentions(failure(properties("consort.stack", "mnak:stable")), "layer 'stable' needs FIFO multicast");
        assertMentions(failure(properties("consort.stack", "")), "empty stack description");
        assertMentions(failure(properties("consort.stack", "reliable-lifo")), "unknown layer 'reliable-lifo'");
    }
}
