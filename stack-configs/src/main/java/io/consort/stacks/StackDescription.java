package io.consort.stacks;

import io.consort.layers.proto.Flow;
import io.consort.layers.proto.Mnak;
import io.consort.layers.proto.Pt2pt;
import io.consort.layers.proto.Total;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.Stack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A stack written as text, top layer first: {@code "frag:flow:stable:pt2pt:mnak"}, optionally with parameters,
 * {@code "frag:flow(casts=128):stable(gossip=500us):pt2pt:mnak(window=512)"}, or by name ({@code reliable-fifo}).
 * {@link #layers()} builds fresh layer instances each time (one set per member) after checking that the order
 * is possible and the windows agree, failing with a message that says what to change.
 */
public final class StackDescription {
    /** Named stacks. */
    public static final Map<String, String> NAMED = Map.of(
        "reliable-fifo", "frag:flow:stable:pt2pt:mnak",
        "vsync", "gmp:frag:flow:stable:pt2pt:mnak:slander:suspect",
        "primary-vsync", "gmp(quorum=3):frag:flow:stable:pt2pt:mnak:slander:suspect",
        "total", "gmp:frag:flow(casts=224):stable:total:pt2pt:mnak:slander:suspect",
        "primary-total", "gmp(quorum=3):frag:flow(casts=224):stable:total:pt2pt:mnak:slander:suspect");

    /** Property holding a stack name or description, for {@link #fromProperties}. */
    public static final String STACK_PROPERTY = "consort.stack";

    private final String text;
    private final List<String> names = new ArrayList<>();
    private final List<Map<String, String>> params = new ArrayList<>();

    private StackDescription(String text) {
        this.text = text;
    }

    /** Parses and checks a description or a stack name. */
    public static StackDescription parse(String description) {
        StackDescription stack = read(description);
        stack.layers();
        return stack;
    }

    /** Reads a description without building its layers. */
    private static StackDescription read(String description) {
        String text = NAMED.getOrDefault(description.trim(), description.trim());
        StackDescription stack = new StackDescription(text);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty stack description; write layers top first, e.g. "
                + NAMED.get("reliable-fifo") + ", or a name from " + NAMED.keySet());
        }
        for (String part : text.split(":", -1)) {
            stack.parseLayer(part.trim());
        }
        return stack;
    }

    /**
     * Reads {@value #STACK_PROPERTY} (default {@code reliable-fifo}) and layer parameters written as
     * {@code consort.<layer>.<param>}, e.g. {@code consort.mnak.window=512}. A property overrides the same
     * parameter written in the description; one for a catalog layer the stack lacks is an error.
     */
    public static StackDescription fromProperties(Properties properties) {
        // Only the merged stack is checked: a property may be what makes the description's windows agree.
        StackDescription base = read(properties.getProperty(STACK_PROPERTY, "reliable-fifo"));
        for (String key : properties.stringPropertyNames()) {
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals("consort") && LayerCatalog.names().contains(parts[1])
                && !base.names.contains(parts[1])) {
                throw new IllegalArgumentException(key + " is set but stack '" + base.text + "' has no "
                    + parts[1] + " layer: remove the property or add the layer");
            }
        }
        StackDescription merged = new StackDescription(base.text);
        for (int i = 0; i < base.names.size(); i++) {
            String name = base.names.get(i);
            Map<String, String> values = new LinkedHashMap<>(base.params.get(i));
            String prefix = "consort." + name + ".";
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith(prefix)) {
                    values.put(key.substring(prefix.length()), properties.getProperty(key));
                }
            }
            merged.names.add(name);
            merged.params.add(values);
        }
        merged.layers();
        return merged;
    }

    private void parseLayer(String part) {
        int open = part.indexOf('(');
        String name = open < 0 ? part : part.substring(0, open).trim();
        Map<String, String> values = new LinkedHashMap<>();
        if (open >= 0) {
            if (!part.endsWith(")")) {
                throw new IllegalArgumentException("'" + part + "' in stack '" + text + "': missing ')'");
            }
            String inside = part.substring(open + 1, part.length() - 1).trim();
            if (!inside.isEmpty()) {
                for (String pair : inside.split(",", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq < 0 || pair.substring(0, eq).isBlank()) {
                        throw new IllegalArgumentException("'" + pair.trim() + "' in '" + part + "' of stack '"
                            + text + "': write parameters as name=value, separated by commas");
                    }
                    String key = pair.substring(0, eq).trim();
                    if (values.put(key, pair.substring(eq + 1).trim()) != null) {
                        throw new IllegalArgumentException("parameter '" + key + "' is given twice in '" + part
                            + "' of stack '" + text + "'");
                    }
                }
            }
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty layer name in stack '" + text + "'");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("layer '" + name + "' appears twice in stack '" + text + "'");
        }
        names.add(name);
        params.add(values);
    }

    /** Fresh layers, top first, ready for {@code Member.create}. */
    public List<Layer> layers() {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            layers.add(LayerCatalog.create(names.get(i), params.get(i)));
        }
        Layer[] bottomUp = new Layer[layers.size()];
        for (int i = 0; i < bottomUp.length; i++) {
            bottomUp[i] = layers.get(layers.size() - 1 - i);
        }
        try {
            Stack.checkOrder(bottomUp);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + LayerCatalog.describeServices() + ")", e);
        }
        checkWindows(layers);
        return layers;
    }

    private void checkWindows(List<Layer> layers) {
        Flow flow = find(layers, Flow.class);
        Mnak mnak = find(layers, Mnak.class);
        Pt2pt pt2pt = find(layers, Pt2pt.class);
        if (flow != null && mnak != null && flow.castWindow() > mnak.window()) {
            throw new IllegalArgumentException("flow casts=" + flow.castWindow() + " exceeds mnak window="
                + mnak.window() + " in stack '" + text + "': lower the flow window or raise the mnak window");
        }
        if (flow != null && pt2pt != null && flow.sendWindow() > pt2pt.window()) {
            throw new IllegalArgumentException("flow sends=" + flow.sendWindow() + " exceeds pt2pt window="
                + pt2pt.window() + " in stack '" + text + "': lower the flow window or raise the pt2pt window");
        }
        checkTotal(flow, mnak, find(layers, Total.class));
    }

    private void checkTotal(Flow flow, Mnak mnak, Total total) {
        if (total == null || mnak == null) {
            return;
        }
        if (total.window() < mnak.window()) {
            throw new IllegalArgumentException("total window=" + total.window() + " is below mnak window="
                + mnak.window() + " in stack '" + text + "': set total's window to mnak's");
        }
        int casts = flow == null ? mnak.window() : flow.castWindow();
        if (casts + total.decisionWindow() > mnak.window()) {
            throw new IllegalArgumentException("flow casts=" + casts + " plus total decisions="
                + total.decisionWindow() + " exceed mnak window=" + mnak.window() + " in stack '" + text
                + "': the sequencer's decisions need room in its window; lower flow casts to "
                + (mnak.window() - total.decisionWindow()) + " or raise the mnak window");
        }
    }

    private static <T> T find(List<Layer> layers, Class<T> type) {
        for (Layer layer : layers) {
            if (type.isInstance(layer)) {
                return type.cast(layer);
            }
        }
        return null;
    }

    public List<String> layerNames() {
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return text;
    }
}
