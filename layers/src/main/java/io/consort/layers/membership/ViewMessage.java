package io.consort.layers.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import io.consort.layers.wire.WireIds;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The announcement of a new view, sent by its installer to every member of it and to the members that left by
 * it. It names the views it follows and the flush attempt that ended each: a member installs it only if it
 * took part in that flush to the end, so that every member that moves to the new view delivered the same
 * messages in the old one.
 *
 * <pre>
 * kind(1)=GMP_VIEW  ltime(4)  coordinator address(2) incarnation(4)  primary(1)
 * members(1)      { address(2) incarnation(4) } * members
 * predecessors(1) { ltime(4) coordinator stamp(4) attempt(4) } * predecessors
 * leavers(1)      { address(2) incarnation(4) } * leavers
 * </pre>
 */
final class ViewMessage {
    static final int MAX_PREDECESSORS = 2;

    final ViewId id;
    final boolean primary;
    final Endpoint[] members;
    final long[] predecessorTimes;
    final int[] predecessorStamps;
    final long[] predecessorAttempts;
    final Endpoint[] leavers;

    ViewMessage(ViewId id, boolean primary, Endpoint[] members, long[] predecessorTimes, int[] predecessorStamps,
                long[] predecessorAttempts, Endpoint[] leavers) {
        this.id = id;
        this.primary = primary;
        this.members = members;
        this.predecessorTimes = predecessorTimes;
        this.predecessorStamps = predecessorStamps;
        this.predecessorAttempts = predecessorAttempts;
        this.leavers = leavers;
    }

    /** The largest message for views of {@code members} and as many leavers. */
    static int maxLength(int members) {
        return 1 + 11 + 1 + 6 * members + 1 + 12 * MAX_PREDECESSORS + 1 + 6 * members;
    }

    /** True if a member in {@code view}, having finished flush {@code attempt} there, may move on by this. */
    boolean follows(View view, long attempt) {
        for (int i = 0; i < predecessorTimes.length; i++) {
            if (view.id().is(predecessorTimes[i], predecessorStamps[i]) && predecessorAttempts[i] == attempt) {
                return true;
            }
        }
        return false;
    }

    /** The view as the member {@code self} sees it, or null if it is not a member. */
    View viewFor(int groupId, Endpoint self) {
        for (int rank = 0; rank < members.length; rank++) {
            if (members[rank].equals(self)) {
                return new View(groupId, id, members, rank, primary);
            }
        }
        return null;
    }

    boolean isLeaver(Endpoint self) {
        for (Endpoint leaver : leavers) {
            if (leaver.equals(self)) {
                return true;
            }
        }
        return false;
    }

    byte[] encode() {
        byte[] bytes = new byte[1 + 11 + 1 + 6 * members.length + 1 + 12 * predecessorTimes.length + 1
            + 6 * leavers.length];
        UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int at = 0;
        buffer.putByte(at++, WireIds.GMP_VIEW);
        buffer.putInt(at, (int) id.ltime(), WireIds.ORDER);
        at = putEndpoint(buffer, at + 4, id.coordinator());
        buffer.putByte(at++, (byte) (primary ? 1 : 0));
        at = putEndpoints(buffer, at, members);
        buffer.putByte(at++, (byte) predecessorTimes.length);
        for (int i = 0; i < predecessorTimes.length; i++) {
            buffer.putInt(at, (int) predecessorTimes[i], WireIds.ORDER);
            buffer.putInt(at + 4, predecessorStamps[i], WireIds.ORDER);
            buffer.putInt(at + 8, (int) predecessorAttempts[i], WireIds.ORDER);
            at += 12;
        }
        putEndpoints(buffer, at, leavers);
        return bytes;
    }

    /** Reads a message (after its kind byte); null if it is truncated or impossible. */
    static ViewMessage decode(DirectBuffer buffer, int at, int length) {
        int end = at + length;
        if (length < 11 + 1 + 1 + 1) {
            return null;
        }
        long ltime = buffer.getInt(at, WireIds.ORDER) & 0xFFFF_FFFFL;
        Endpoint coordinator = endpoint(buffer, at + 4);
        boolean primary = buffer.getByte(at + 10) != 0;
        at += 11;
        int count = buffer.getByte(at++) & 0xFF;
        if (count == 0 || count > View.MAX_SIZE || at + 6 * count + 2 > end) {
            return null;
        }
        Endpoint[] members = endpoints(buffer, at, count);
        at += 6 * count;
        int predecessors = buffer.getByte(at++) & 0xFF;
        if (predecessors > MAX_PREDECESSORS || at + 12 * predecessors + 1 > end) {
            return null;
        }
        long[] times = new long[predecessors];
        int[] stamps = new int[predecessors];
        long[] attempts = new long[predecessors];
        for (int i = 0; i < predecessors; i++) {
            times[i] = buffer.getInt(at, WireIds.ORDER) & 0xFFFF_FFFFL;
            stamps[i] = buffer.getInt(at + 4, WireIds.ORDER);
            attempts[i] = buffer.getInt(at + 8, WireIds.ORDER) & 0xFFFF_FFFFL;
            at += 12;
        }
        int leaverCount = buffer.getByte(at++) & 0xFF;
        if (at + 6 * leaverCount > end) {
            return null;
        }
        return new ViewMessage(new ViewId(ltime, coordinator), primary, members, times, stamps, attempts,
            endpoints(buffer, at, leaverCount));
    }

    static int putEndpoint(MutableDirectBuffer buffer, int at, Endpoint endpoint) {
        buffer.putShort(at, (short) endpoint.address(), WireIds.ORDER);
        buffer.putInt(at + 2, endpoint.incarnation(), WireIds.ORDER);
        return at + 6;
    }

    static int putEndpoints(MutableDirectBuffer buffer, int at, Endpoint[] endpoints) {
        buffer.putByte(at++, (byte) endpoints.length);
        for (Endpoint endpoint : endpoints) {
            at = putEndpoint(buffer, at, endpoint);
        }
        return at;
    }

    static Endpoint endpoint(DirectBuffer buffer, int at) {
        return new Endpoint(buffer.getShort(at, WireIds.ORDER) & 0xFFFF, buffer.getInt(at + 2, WireIds.ORDER));
    }

    static Endpoint[] endpoints(DirectBuffer buffer, int at, int count) {
        Endpoint[] endpoints = new Endpoint[count];
        for (int i = 0; i < count; i++) {
            endpoints[i] = endpoint(buffer, at + 6 * i);
        }
        return endpoints;
    }
}
