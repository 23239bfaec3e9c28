package io.consort.stacks;

import static io.consort.stacks.StackDescriptionTest.assertMentions;
import static io.consort.stacks.StackDescriptionTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.consort.layers.runtime.Layer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The ordering check: impossible stacks fail with a message naming the layer and what it lacks. */
class StackOrderTest {
    private static final List<String> LAYERS = List.of("frag", "flow", "stable", "pt2pt", "mnak");

    @Test
    void stableBelowMnakLacksFifoMulticast() {
        assertMentions(failure("frag:flow:mnak:stable:pt2pt"),
            "layer 'stable' needs FIFO multicast from a layer below it", "frag:flow:mnak:stable:pt2pt",
            "mnak provides FIFO multicast");
    }

    @Test
    void pt2ptWithMnakAloneLacksFlowControlAbove() {
        assertMentions(failure("pt2pt:mnak"), "layer 'mnak' needs stability, flow control from a layer above it",
            "stable provides stability", "flow provides flow control");
    }

    @Test
    void pt2ptWithoutFlowAbove() {
        assertMentions(failure("stable:pt2pt"), "layer 'pt2pt' needs flow control from a layer above it",
            "stable:pt2pt", "flow provides flow control");
        assertMentions(failure("pt2pt"), "layer 'pt2pt' needs flow control from a layer above it");
    }

    @Test
    void mnakAndPt2ptMayComeInEitherOrder() {
        // Neither needs the other: mnak carries casts and pt2pt sends, side by side under stable and flow.
        assertEquals(List.of("flow", "stable", "mnak", "pt2pt"),
            StackDescription.parse("flow:stable:mnak:pt2pt").layerNames());
    }

    @Test
    void fragBelowMnakLacksFifoBelowIt() {
        assertMentions(failure("flow:stable:pt2pt:mnak:frag"),
            "layer 'frag' needs FIFO multicast, FIFO point-to-point from a layer below it");
    }

    @Test
    void flowBelowStableLacksStability() {
        assertMentions(failure("frag:stable:flow:pt2pt:mnak"),
            "layer 'flow' needs stability from a layer below it");
    }

    @Test
    void aLayerAloneIsRefused() {
        assertMentions(failure("mnak"), "layer 'mnak' needs");
        assertMentions(failure("frag"), "layer 'frag' needs");
    }

    @Provide
    Arbitrary<List<String>> stacks() {
        return Arbitraries.of(LAYERS).list().uniqueElements().ofMinSize(1).ofMaxSize(LAYERS.size())
            .flatMap(subset -> Arbitraries.shuffle(subset));
    }

    /**
     * Any order of any subset of the layers either parses into a stack where every layer finds what it requires
     * below and above it, or fails with an IllegalArgumentException that names a layer; nothing else.
     */
    @Property(tries = 500)
    void anyOrderParsesIntoAPossibleStackOrFailsNamingALayer(@ForAll("stacks") List<String> names) {
        String description = String.join(":", names);
        StackDescription stack;
        try {
            stack = StackDescription.parse(description);
        } catch (IllegalArgumentException e) {
            assertTrue(names.stream().anyMatch(name -> e.getMessage().contains("layer '" + name + "'")),
                "the error names a layer of '" + description + "': " + e.getMessage());
            assertTrue(!possible(names), "'" + description + "' is possible but was refused: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            fail("'" + description + "' failed with " + e + " instead of an IllegalArgumentException", e);
            return;
        }
        assertEquals(names, stack.layerNames());
        assertTrue(possible(names), "'" + description + "' was accepted");
    }

    /** The ordering rule, written out independently: what each layer requires is provided on the right side. */
    private static boolean possible(List<String> topFirst) {
        List<Layer> layers = new ArrayList<>();
        for (String name : topFirst) {
            layers.add(LayerCatalog.create(name, java.util.Map.of()));
        }
        for (int i = 0; i < layers.size(); i++) {
            int above = 0;
            int below = 0;
            for (int j = 0; j < layers.size(); j++) {
                if (j < i) {
                    above |= layers.get(j).provides();
                } else if (j > i) {
                    below |= layers.get(j).provides();
                }
            }
            Layer layer = layers.get(i);
            if ((layer.requiresAbove() & ~above) != 0 || (layer.requiresBelow() & ~below) != 0) {
                return false;
            }
        }
        return true;
    }
}
