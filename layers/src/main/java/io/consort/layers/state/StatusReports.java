package io.consort.layers.state;

import io.consort.layers.api.MergePolicy;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.StateRecord;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import io.consort.layers.wire.WireIds;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The STATUS each member of a view casts, and what they decide together: the sides (members holding the same
 * state) and, by the merge policy, whose state is kept.
 *
 * <pre>
 * STATUS: kind(1) flags(1: 1 = has state, 2 = settled in a primary view, 4 = fresh)
 *         settled in: ltime(4) coordinator address(4) incarnation(4)
 *         then:       ltime(4) coordinator address(4) incarnation(4)
 * </pre>
 */
final class StatusReports {
    static final int LENGTH = 26;
    private static final int HAS_STATE = 1;
    private static final int PRIMARY = 2;
    private static final int FRESH = 4;

    private final int size;
    private final boolean[] reported;
    private final boolean[] hasState;
    private final boolean[] primary;
    private final boolean[] fresh;
    private final ViewId[] stateView;
    private final ViewId[] nextView;
    private int count;

    StatusReports(int size) {
        this.size = size;
        reported = new boolean[size];
        hasState = new boolean[size];
        primary = new boolean[size];
        fresh = new boolean[size];
        stateView = new ViewId[size];
        nextView = new ViewId[size];
    }

    static void write(StateRecord record, MutableDirectBuffer buffer, int at) {
        boolean has = record.hasState();
        buffer.putByte(at, WireIds.XFER_STATUS);
        buffer.putByte(at + 1, (byte) ((has ? HAS_STATE : 0) | (has && record.settledIn().primary() ? PRIMARY : 0)
            | (has && record.fresh() ? FRESH : 0)));
        putId(buffer, at + 2, has ? record.settledIn().id() : null);
        putId(buffer, at + 14, has ? record.next() : null);
    }

    private static void putId(MutableDirectBuffer buffer, int at, ViewId id) {
        buffer.putInt(at, id == null ? 0 : (int) id.ltime(), WireIds.ORDER);
        buffer.putInt(at + 4, id == null ? 0 : id.coordinator().address(), WireIds.ORDER);
        buffer.putInt(at + 8, id == null ? 0 : id.coordinator().incarnation(), WireIds.ORDER);
    }

    /** Takes rank {@code from}'s report; false if it is malformed or a second one. */
    boolean read(int from, DirectBuffer buffer, int at, int length) {
        if (length != LENGTH || reported[from]) {
            return false;
        }
        int flags = buffer.getByte(at + 1);
        if ((flags & ~(HAS_STATE | PRIMARY | FRESH)) != 0) {
            return false;
        }
        boolean has = (flags & HAS_STATE) != 0;
        if (has) {
            ViewId settled = readId(buffer, at + 2);
            ViewId next = readId(buffer, at + 14);
            if (settled == null || next == null) {
                return false;
            }
            stateView[from] = settled;
            nextView[from] = next;
        }
        hasState[from] = has;
        primary[from] = (flags & PRIMARY) != 0;
        fresh[from] = (flags & FRESH) != 0;
        reported[from] = true;
        count++;
        return true;
    }

    private static ViewId readId(DirectBuffer buffer, int at) {
        long ltime = buffer.getInt(at, WireIds.ORDER) & 0xFFFF_FFFFL;
        int address = buffer.getInt(at + 4, WireIds.ORDER);
        if (address < 0 || address > Endpoint.MAX_ADDRESS) {
            return null;
        }
        return new ViewId(ltime, new Endpoint(address, buffer.getInt(at + 8, WireIds.ORDER)));
    }

    boolean complete() {
        return count == size;
    }

    /** Members holding the same state, ordered by their lowest rank: what the merge policy chooses among. */
    List<MergePolicy.Side> sides() {
        List<MergePolicy.Side> sides = new ArrayList<>();
        boolean[] placed = new boolean[size];
        for (int rank = 0; rank < size; rank++) {
            if (!hasState[rank] || placed[rank]) {
                continue;
            }
            int[] members = new int[size];
            int n = 0;
            for (int other = rank; other < size; other++) {
                if (hasState[other] && !placed[other] && stateView[other].equals(stateView[rank])
                    && nextView[other].equals(nextView[rank]) && fresh[other] == fresh[rank]) {
                    placed[other] = true;
                    members[n++] = other;
                }
            }
            sides.add(new MergePolicy.Side(stateView[rank], nextView[rank], primary[rank], fresh[rank],
                java.util.Arrays.copyOf(members, n)));
        }
        return sides;
    }

    /** The side {@code policy} keeps, checked: a policy that answers out of range is a bug in the application. */
    static MergePolicy.Side choose(MergePolicy policy, View view, List<MergePolicy.Side> sides) {
        int chosen = policy.choose(view, java.util.Collections.unmodifiableList(sides));
        if (chosen < 0 || chosen >= sides.size()) {
            throw new IllegalStateException("the merge policy chose side " + chosen + " of " + sides.size());
        }
        return sides.get(chosen);
    }
}
