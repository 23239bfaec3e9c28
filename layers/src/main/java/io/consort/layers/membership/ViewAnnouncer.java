package io.consort.layers.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewHost;
import io.consort.layers.runtime.ViewId;
import io.consort.layers.wire.WireIds;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Gmp's view half: builds the next view once a flush is complete (survivors, a merged partition, the primary
 * rule), announces it to its members and leavers, installs announced views that follow a flush this member
 * finished, acknowledges them, and, as the new view's first member, repeats the announcement to members that
 * have not acknowledged it.
 *
 * <pre>
 * VIEW (see ViewMessage)
 * VIEW_ACK: kind(1) ltime(4) coordinator stamp(4)
 * </pre>
 */
final class ViewAnnouncer {
    private final Gmp gmp;
    private final LayerContext ctx;
    private final View view;
    private final ViewHost host;
    private final boolean[] unacknowledged;
    private byte[] announcement;
    private final AtomicCounter viewsAnnounced;
    private final AtomicCounter viewsRefused;
    private final AtomicCounter malformed;
    private final AtomicCounter noEvent;

    ViewAnnouncer(Gmp gmp, LayerContext ctx) {
        this.gmp = gmp;
        this.ctx = ctx;
        this.view = ctx.view();
        this.host = ctx.host();
        this.unacknowledged = new boolean[view.size()];
        this.viewsAnnounced = ctx.counter("views announced");
        this.viewsRefused = ctx.counter("views refused");
        this.malformed = ctx.counter("views malformed");
        this.noEvent = ctx.counter("deferred no event");
        if (host != null) {
            announcement = host.announcement();
            if (announcement != null && view.rank() == 0) {
                java.util.Arrays.fill(unacknowledged, true);
                unacknowledged[0] = false;
            }
        }
    }

    /**
     * Installs the view after a complete flush: this view's survivors, then {@code merged} members of another
     * partition, whose own flush {@code mergedView}/{@code mergedAttempt} ended (null if none).
     */
    void installNext(List<Endpoint> merged, ViewId mergedView, long mergedAttempt, View mergedLastPrimary) {
        List<Endpoint> members = gmp.survivors();
        for (Endpoint other : merged) {
            members.add(other);
        }
        List<Endpoint> leavers = gmp.leavers();
        long ltime = view.id().ltime();
        if (mergedView != null) {
            ltime = Math.max(ltime, mergedView.ltime());
        }
        if (members.isEmpty()) {
            host.left();
            return;
        }
        Endpoint[] array = members.toArray(new Endpoint[0]);
        ViewId id = new ViewId(ltime + 1, view.self());
        boolean twoPredecessors = mergedView != null;
        long[] times = twoPredecessors ? new long[] {view.id().ltime(), mergedView.ltime()}
            : new long[] {view.id().ltime()};
        int[] stamps = twoPredecessors ? new int[] {view.id().coordinatorStamp(), mergedView.coordinatorStamp()}
            : new int[] {view.id().coordinatorStamp()};
        long[] attempts = twoPredecessors ? new long[] {gmp.flushAttempt(), mergedAttempt} : new long[] {gmp.flushAttempt()};
        ViewMessage next = new ViewMessage(id, isPrimary(array, mergedLastPrimary), array, times, stamps, attempts,
            leavers.toArray(new Endpoint[0]));
        byte[] encoded = next.encode();
        for (Endpoint member : array) {
            if (!member.equals(view.self())) {
                sendMembership(member.address(), encoded);
            }
        }
        for (Endpoint leaver : next.leavers) {
            if (!leaver.equals(view.self())) {
                sendMembership(leaver.address(), encoded);
            }
        }
        viewsAnnounced.incrementRelease();
        View mine = next.viewFor(view.groupId(), view.self());
        if (mine != null) {
            host.install(mine, encoded);
        } else {
            host.left();
        }
    }

    private boolean isPrimary(Endpoint[] members, View otherLastPrimary) {
        int quorum = gmp.quorum();
        if (quorum == 0) {
            return false;
        }
        View last = host.lastPrimary();
        if (otherLastPrimary != null && (last == null || otherLastPrimary.id().compareTo(last.id()) > 0)) {
            last = otherLastPrimary;
        }
        if (last == null) {
            boolean firstIncarnations = true;
            for (Endpoint member : members) {
                firstIncarnations &= member.incarnation() == Gmp.FIRST_INCARNATION;
            }
            return firstIncarnations && members.length >= quorum / 2 + 1;
        }
        int kept = 0;
        for (Endpoint member : members) {
            kept += last.contains(member) ? 1 : 0;
        }
        return 2 * kept > last.size();
    }

    /** Handles VIEW and VIEW_ACK; false if the message is malformed. */
    boolean onMessage(Endpoint sender, byte kind, DirectBuffer buffer, int at, int length) {
        if (kind == WireIds.GMP_VIEW_ACK) {
            if (length < 8) {
                return false;
            }
            if (view.id().is(buffer.getInt(at, WireIds.ORDER) & 0xFFFF_FFFFL, buffer.getInt(at + 4, WireIds.ORDER))) {
                int rank = view.rankOf(sender);
                if (rank >= 0) {
                    unacknowledged[rank] = false;
                }
            }
            return true;
        }
        ViewMessage next = decodeView(buffer, at, length);
        if (next == null) {
            return false;
        }
        onView(sender, next);
        return true;
    }

    private static ViewMessage decodeView(DirectBuffer buffer, int at, int length) {
        try {
            return ViewMessage.decode(buffer, at, length);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void onView(Endpoint sender, ViewMessage next) {
        if (next.id.equals(view.id())) {
            acknowledge(sender, next.id);
            return;
        }
        long attempt = gmp.attempt();
        if (attempt < 0 || !gmp.cutDone() || !next.follows(view, attempt)) {
            viewsRefused.incrementRelease();
            return;
        }
        View mine;
        try {
            mine = next.viewFor(view.groupId(), view.self());
        } catch (IllegalArgumentException e) {
            malformed.incrementRelease();
            return;
        }
        acknowledge(sender, next.id);
        if (mine != null) {
            host.install(mine, next.encode());
        } else if (next.isLeaver(view.self())) {
            host.left();
        } else {
            viewsRefused.incrementRelease();
        }
    }

    private void acknowledge(Endpoint sender, ViewId id) {
        Event ack = ctx.newControlMessage(Event.MEMBERSHIP, sender.address(), 9);
        if (ack == null) {
            noEvent.incrementRelease();
            return;
        }
        UnsafeBuffer buffer = ack.payload.buffer();
        int at = ack.payload.index(0);
        buffer.putByte(at, WireIds.GMP_VIEW_ACK);
        buffer.putInt(at + 1, (int) id.ltime(), WireIds.ORDER);
        buffer.putInt(at + 5, id.coordinatorStamp(), WireIds.ORDER);
        ack.headers = ctx.headerBit();
        ctx.down(ack);
    }

    /** Repeats this view's announcement to its members that have not acknowledged it. */
    void repeat() {
        if (announcement == null) {
            return;
        }
        boolean any = false;
        for (int rank = 0; rank < view.size(); rank++) {
            if (unacknowledged[rank] && !gmp.suspects(rank)) {
                sendMembership(view.member(rank).address(), announcement);
                any = true;
            }
        }
        if (!any) {
            announcement = null;
        }
    }

    /** Sends {@code body} as a membership message to {@code address}. */
    void sendMembership(int address, byte[] body) {
        Event message = ctx.newControlMessage(Event.MEMBERSHIP, address, body.length);
        if (message == null) {
            noEvent.incrementRelease();
            return;
        }
        message.payload.buffer().putBytes(message.payload.index(0), body);
        message.headers = ctx.headerBit();
        ctx.down(message);
    }

}
