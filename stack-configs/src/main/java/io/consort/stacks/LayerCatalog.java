package io.consort.stacks;

import io.consort.layers.proto.Flow;
import io.consort.layers.proto.Frag;
import io.consort.layers.proto.Mnak;
import io.consort.layers.proto.Pt2pt;
import io.consort.layers.proto.Slander;
import io.consort.layers.proto.Stable;
import io.consort.layers.proto.Suspect;
import io.consort.layers.proto.ChkFifo;
import io.consort.layers.proto.ChkTotal;
import io.consort.layers.proto.Total;
import io.consort.layers.proto.ChkSync;
import io.consort.layers.membership.Gmp;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.Services;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The protocol layers a stack description can name, each with its parameters and their defaults. Defaults suit a
 * LAN or the simulator: 1 ms timers, windows of 256 messages; silence checked every 20 ms sweep with suspicion
 * after 10 silent sweeps (about 220 ms), flush steps that time out after 500 ms, partitions looked for every
 * 200 ms. Idle, a member backs off: stability gossip only when counts change (then repeated 2 ms, 4 ms, ... up to
 * 1 s apart), a heartbeat only after 4 sweeps (80 ms) in which it sent nothing, no reliability timers at all.
 */
public final class LayerCatalog {
    public static final int DEFAULT_WINDOW = 256;
    /** Ordering decisions a sequencer may have unstable; total stacks lower flow's cast window by as many. */
    public static final int DEFAULT_DECISIONS = 32;
    public static final long DEFAULT_TICK_NANOS = 1_000_000;
    public static final long DEFAULT_SWEEP_NANOS = 20_000_000;
    public static final int DEFAULT_MISSES = 10;
    /** Sweeps without sending before a heartbeat (80 ms); one overdue is asked for every sweep until the timeout. */
    public static final int DEFAULT_BEAT = 4;
    public static final long DEFAULT_GOSSIP_REFRESH_NANOS = 1_000_000_000;
    public static final long DEFAULT_FLUSH_TIMEOUT_NANOS = 500_000_000;
    public static final long DEFAULT_MERGE_PERIOD_NANOS = 200_000_000;

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add("frag", Set.of(), params -> new Frag());
        add("flow", Set.of("casts", "sends"), params -> new Flow(
            params.integer("casts", DEFAULT_WINDOW), params.integer("sends", DEFAULT_WINDOW)));
        add("stable", Set.of("gossip", "every", "refresh"), params -> {
            long gossip = params.nanos("gossip", DEFAULT_TICK_NANOS);
            return new Stable(gossip, params.integer("every", DEFAULT_WINDOW / 4),
                params.nanos("refresh", Math.max(gossip, DEFAULT_GOSSIP_REFRESH_NANOS)));
        });
        add("pt2pt", Set.of("window", "tick", "retransmit"), params -> new Pt2pt(
            params.integer("window", DEFAULT_WINDOW), params.nanos("tick", DEFAULT_TICK_NANOS),
            params.integer("retransmit", 2)));
        add("mnak", Set.of("window", "nak"), params -> new Mnak(
            params.integer("window", DEFAULT_WINDOW), params.nanos("nak", DEFAULT_TICK_NANOS)));
        add("suspect", Set.of("sweep", "misses", "beat"), params -> new Suspect(
            params.nanos("sweep", DEFAULT_SWEEP_NANOS), params.integer("misses", DEFAULT_MISSES),
            params.integer("beat", Math.min(DEFAULT_BEAT, params.integer("misses", DEFAULT_MISSES)))));
        add("slander", Set.of("sweep"), params -> new Slander(params.nanos("sweep", DEFAULT_SWEEP_NANOS)));
        add("gmp", Set.of("tick", "timeout", "merge", "quorum"), params -> new Gmp(
            params.nanos("tick", DEFAULT_SWEEP_NANOS), params.nanos("timeout", DEFAULT_FLUSH_TIMEOUT_NANOS),
            params.nanos("merge", DEFAULT_MERGE_PERIOD_NANOS), params.integer("quorum", 0)));
        add("total", Set.of("decisions", "window", "retry"), params -> new Total(
            params.integer("decisions", DEFAULT_DECISIONS), params.integer("window", DEFAULT_WINDOW),
            params.nanos("retry", DEFAULT_TICK_NANOS)));
        add("chk_total", Set.of("every"), params -> new ChkTotal(params.integer("every", 32)));
        add("chk_fifo", Set.of(), params -> new ChkFifo());
        add("chk_sync", Set.of(), params -> new ChkSync());
        add("xfer", Set.of("chunk", "backlog", "tick"), params -> new io.consort.layers.state.Xfer(
            params.integer("chunk", 0), params.integer("backlog", 64 << 20), params.nanos("tick", 100_000)));
    }

    private LayerCatalog() {
    }

    private static void add(String name, Set<String> params, Function<LayerParams, Layer> factory) {
        ENTRIES.put(name, new Entry(new TreeSet<>(params), factory));
    }

    /** Builds one layer from its name and written parameters. */
    public static Layer create(String name, Map<String, String> params) {
        Entry entry = ENTRIES.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("unknown layer '" + name + "'; known layers are " + ENTRIES.keySet());
        }
        return entry.factory.apply(new LayerParams(name, params, entry.params));
    }

    /** What each layer provides, e.g. {@code "mnak provides FIFO multicast; ..."}, for error messages. */
    static String describeServices() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Entry> entry : ENTRIES.entrySet()) {
            Layer layer = entry.getValue().factory.apply(new LayerParams(entry.getKey(), Map.of(), Set.of()));
            out.append(out.length() == 0 ? "" : "; ").append(entry.getKey()).append(" provides ")
                .append(Services.describe(layer.provides()));
        }
        return out.toString();
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(ENTRIES.keySet());
    }

    private static final class Entry {
        final Set<String> params;
        final Function<LayerParams, Layer> factory;

        Entry(Set<String> params, Function<LayerParams, Layer> factory) {
            this.params = params;
            this.factory = factory;
        }
    }
}
