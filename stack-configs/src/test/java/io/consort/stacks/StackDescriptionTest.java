package io.consort.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.proto.Flow;
import io.consort.layers.proto.Frag;
import io.consort.layers.proto.Mnak;
import io.consort.layers.proto.Pt2pt;
import io.consort.layers.proto.Stable;
import io.consort.layers.runtime.Layer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StackDescriptionTest {
    static String failure(String description) {
        return assertThrows(IllegalArgumentException.class, () -> StackDescription.parse(description)).getMessage();
    }

    static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    @Test
    void reliableFifoIsTheFiveLayersTopFirstWithDefaults() {
        StackDescription stack = StackDescription.parse("reliable-fifo");
        assertEquals(List.of("frag", "flow", "stable", "pt2pt", "mnak"), stack.layerNames());
        assertEquals("frag:flow:stable:pt2pt:mnak", stack.toString());
        List<Layer> layers = stack.layers();
        assertInstanceOf(Frag.class, layers.get(0));
        Flow flow = assertInstanceOf(Flow.class, layers.get(1));
        Stable stable = assertInstanceOf(Stable.class, layers.get(2));
        Pt2pt pt2pt = assertInstanceOf(Pt2pt.class, layers.get(3));
        Mnak mnak = assertInstanceOf(Mnak.class, layers.get(4));
        assertEquals(LayerCatalog.DEFAULT_WINDOW, flow.castWindow());
        assertEquals(LayerCatalog.DEFAULT_WINDOW, flow.sendWindow());
        assertEquals(LayerCatalog.DEFAULT_WINDOW, pt2pt.window());
        assertEquals(LayerCatalog.DEFAULT_WINDOW, mnak.window());
        assertEquals(LayerCatalog.DEFAULT_TICK_NANOS, mnak.tickIntervalNanos());
        assertEquals(LayerCatalog.DEFAULT_TICK_NANOS, pt2pt.tickIntervalNanos());
        assertEquals(LayerCatalog.DEFAULT_TICK_NANOS, stable.tickIntervalNanos());
    }

    @Test
    void theNameAndItsExpansionDescribeTheSameStack() {
        assertEquals(StackDescription.parse("frag:flow:stable:pt2pt:mnak").layerNames(),
            StackDescription.parse("  reliable-fifo ").layerNames());
    }

    @Test
    void everyCallToLayersBuildsFreshInstances() {
        StackDescription stack = StackDescription.parse("reliable-fifo");
        List<Layer> first = stack.layers();
        List<Layer> second = stack.layers();
        for (int i = 0; i < first.size(); i++) {
            assertNotSame(first.get(i), second.get(i));
        }
    }

    @Test
    void parametersReachTheLayers() {
        StackDescription stack = StackDescription.parse(
            "frag : flow(casts=128, sends=64) : stable(gossip=500us, every=8) : pt2pt(window=128,tick=250us,"
                + "retransmit=3) : mnak(window=512,nak=2ms)");
        List<Layer> layers = stack.layers();
        Flow flow = (Flow) layers.get(1);
        assertEquals(128, flow.castWindow());
        assertEquals(64, flow.sendWindow());
        assertEquals(500_000, layers.get(2).tickIntervalNanos());
        assertEquals(128, ((Pt2pt) layers.get(3)).window());
        assertEquals(250_000, layers.get(3).tickIntervalNanos());
        Mnak mnak = (Mnak) layers.get(4);
        assertEquals(512, mnak.window());
        assertEquals(2_000_000, mnak.tickIntervalNanos());
        assertEquals(List.of("frag", "flow", "stable", "pt2pt", "mnak"), stack.layerNames());
    }

    @Test
    void emptyParenthesesMeanDefaults() {
        Mnak mnak = (Mnak) StackDescription.parse("frag():flow:stable:pt2pt:mnak()").layers().get(4);
        assertEquals(LayerCatalog.DEFAULT_WINDOW, mnak.window());
    }

    @Test
    void fragIsOptional() {
        assertEquals(List.of("flow", "stable", "pt2pt", "mnak"),
            StackDescription.parse("flow:stable:pt2pt:mnak").layerNames());
    }

    @Test
    void unknownLayerListsTheKnownOnes() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnack"),
            "unknown layer 'mnack'", "known layers are [frag, flow, stable, pt2pt, mnak, suspect, slander, gmp, total,",
            "chk_total", "chk_fifo, chk_sync, xfer]");
    }

    @Test
    void totalStacksLeaveRoomForTheSequencersDecisions() {
        assertEquals(List.of("gmp", "frag", "flow", "stable", "total", "pt2pt", "mnak", "slander", "suspect"),
            StackDescription.parse("total").layerNames());
        assertMentions(failure("gmp:frag:flow:stable:total:pt2pt:mnak:slander:suspect"),
            "flow casts=256 plus total decisions=32 exceed mnak window=256", "lower flow casts to 224");
        assertMentions(failure("gmp:frag:flow(casts=32):stable:total(window=64):pt2pt:mnak(window=128)"),
            "total window=64 is below mnak window=128");
        assertMentions(failure("gmp:frag:total:flow(casts=200):stable:pt2pt:mnak"),
            "layer 'total' needs stability, flow control from a layer above it");
    }

    @Test
    void unknownParameterListsTheLayersParameters() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak(windows=512)"),
            "layer 'mnak' has no parameter 'windows'", "its parameters are [nak, window]");
        assertMentions(failure("frag(size=1000):flow:stable:pt2pt:mnak"),
            "layer 'frag' has no parameter 'size'", "it takes no parameters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"many", "512.0", "0x200", "", "99999999999"})
    void badNumberSaysWhichParameter(String value) {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak(window=" + value + ")"),
            "mnak(window=" + value + ")", "not a whole number");
    }

    @Test
    void windowsTheLayersRefuseAreReported() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak(window=500)"), "mnak window must be a power of two",
            "was 500");
        assertMentions(failure("frag:flow(casts=0):stable:pt2pt:mnak"), "flow windows must be positive");
    }

    @Test
    void badDurationSaysHowToWriteOne() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak(nak=2 fortnights)"),
            "mnak(nak=2 fortnights)", "not a duration; write e.g. 500us, 2ms or 1s");
        assertMentions(failure("frag:flow:stable(gossip=0ms):pt2pt:mnak"),
            "stable(gossip=0ms)", "must be positive");
    }

    @Test
    void missingClosingParenthesis() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak(window=512"),
            "'mnak(window=512'", "missing ')'");
        assertMentions(failure("frag:flow:stable:pt2pt(window=64:mnak"), "'pt2pt(window=64'", "missing ')'");
    }

    @Test
    void duplicateLayer() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak:mnak"), "layer 'mnak' appears twice");
        assertMentions(failure("frag:flow:stable:pt2pt(window=64):pt2pt:mnak"), "layer 'pt2pt' appears twice");
    }

    @Test
    void duplicateParameter() {
        assertMentions(failure("frag:flow:stable:pt2pt:mnak(window=512,window=1024)"),
            "parameter 'window' is given twice", "mnak(window=512,window=1024)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnak(window)", "mnak(=512)", "mnak(window=512,)", "mnak(,window=512)"})
    void malformedParameters(String mnak) {
        assertMentions(failure("frag:flow:stable:pt2pt:" + mnak), "write parameters as name=value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void emptyDescriptionSuggestsANamedStack(String description) {
        assertMentions(failure(description), "empty stack description", "frag:flow:stable:pt2pt:mnak",
            "reliable-fifo");
    }

    @ParameterizedTest
    @ValueSource(strings = {":", "frag:flow:stable:pt2pt:mnak:", "frag::flow:stable:pt2pt:mnak", "(window=2)"})
    void emptyLayerName(String description) {
        assertMentions(failure(description), "empty layer name");
    }

    @Test
    void flowCastWindowLargerThanMnakWindow() {
        assertMentions(failure("frag:flow(casts=512):stable:pt2pt:mnak"),
            "flow casts=512 exceeds mnak window=256", "lower the flow window or raise the mnak window");
        StackDescription.parse("frag:flow(casts=512):stable:pt2pt:mnak(window=512)");
    }

    @Test
    void flowSendWindowLargerThanPt2ptWindow() {
        assertMentions(failure("frag:flow(sends=300):stable:pt2pt:mnak"),
            "flow sends=300 exceeds pt2pt window=256", "lower the flow window or raise the pt2pt window");
        StackDescription.parse("frag:flow(sends=300):stable:pt2pt(window=512):mnak");
    }

    @Test
    void windowsMayBeEqual() {
        StackDescription.parse("frag:flow(casts=64,sends=64):stable:pt2pt(window=64):mnak(window=64)");
    }
}
