package io.consort.sim.state;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.ViewId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every process's application said about state transfers: the snapshot a donor took in a view and each
 * install that ended in it. Every install must equal the snapshot of its view byte for byte (an install in a view
 * without a snapshot is an empty state adopted by all).
 */
final class TransferLedger {
    private final Map<ViewId, long[]> snapshots = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    long installs;
    long snapshotsTaken;

    void snapshot(ViewId view, Endpoint donor, long digest, int length) {
        snapshotsTaken++;
        long[] previous = snapshots.put(view, new long[] {digest, length});
        if (previous != null) {
            violation("two snapshots in view " + view + " (the second by " + donor + ")");
        }
    }

    void installed(ViewId view, Endpoint receiver, long digest, int length) {
        installs++;
        long[] snapshot = snapshots.get(view);
        if (snapshot == null ? length != 0 : snapshot[0] != digest) {
            violation(receiver + " installed " + length + " bytes in " + view + " that differ from the donor's "
                + (snapshot == null ? "(no snapshot: an empty state)" : snapshot[1] + " bytes"));
        }
    }

    void violation(String what) {
        if (violations.size() < 20) {
            violations.add(what);
        }
    }

    /** Null if nothing went wrong, else what did. */
    String check() {
        return violations.isEmpty() ? null : String.join("\n", violations);
    }
}
