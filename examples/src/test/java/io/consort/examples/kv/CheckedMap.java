package io.consort.examples.kv;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.StateHandler;
import io.consort.layers.api.StateWriter;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * A {@link ReplicatedMap} whose state transfers are checked: the digest of the donor's map when it takes a
 * snapshot and of each receiver's when its install ends must match (per view), and no message may reach a map
 * without state.
 */
final class CheckedMap implements MessageHandler, StateHandler {
    final ReplicatedMap map = new ReplicatedMap();
    final Endpoint self;
    private final Map<ViewId, Long> snapshots;
    private final List<String> violations;
    private View view;
    long installs;
    /** Per view, a checksum of each command applied, in order. */
    final Map<ViewId, List<Long>> applied = new java.util.LinkedHashMap<>();
    /** The views installed, in order. */
    final List<ViewId> views = new ArrayList<>();

    /** The view installed after {@code id}, or null (still in it, or never in it). */
    ViewId after(ViewId id) {
        int i = views.indexOf(id);
        return i < 0 || i == views.size() - 1 ? null : views.get(i + 1);
    }

    CheckedMap(Endpoint self, Map<ViewId, Long> snapshots, List<String> violations) {
        this.self = self;
        this.snapshots = snapshots;
        this.violations = violations;
    }

    @Override
    public void onView(View view) {
        views.add(view.id());
        this.view = view;
        map.onView(view);
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        if (!map.ready()) {
            violations.add(self + " got a message in " + view.id() + " before it had a state");
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (int i = 0; i < length; i++) {
            crc.update(buffer.getByte(offset + i));
        }
        applied.computeIfAbsent(view.id(), id -> new ArrayList<>()).add(crc.getValue() * 31 + origin);
        map.onMessage(kind, origin, buffer, offset, length);
    }

    @Override
    public StateWriter snapshot() {
        if (snapshots.put(view.id(), map.digest()) != null) {
            violations.add("two snapshots in " + view.id());
        }
        return map.snapshot();
    }

    @Override
    public void beginInstall() {
        map.beginInstall();
    }

    @Override
    public void installChunk(DirectBuffer buffer, int offset, int length) {
        map.installChunk(buffer, offset, length);
    }

    @Override
    public void endInstall() {
        map.endInstall();
        installs++;
        Long donor = snapshots.get(view.id());
        long digest = map.digest();
        if (donor == null ? map.size() != 0 : donor != digest) {
            violations.add(self + " installed a map in " + view.id() + " unlike the donor's at the cut");
        }
    }

    @Override
    public void abortInstall() {
        map.abortInstall();
    }
}
