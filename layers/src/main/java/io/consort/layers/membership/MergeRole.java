package io.consort.layers.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import io.consort.layers.wire.WireIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Healing partitions, and joining, which is the merge of a one-member partition (Ensemble's heal and inter).
 *
 * <p>A coordinator that is not flushing probes, every merge period, the addresses outside its view where a member
 * of one of its earlier views ran (a partition to heal) and every address it has heard from outside its view.
 * Seed addresses where nothing has run yet it probes less and less often while nothing answers (rounds 1, 3, 7,
 * 15, ..., then every {@link #MAX_PROBE_BACKOFF} rounds): a process that starts there probes at once anyway, so
 * this only bounds what a seed that never comes up costs. A coordinator that hears a probe from another
 * partition's coordinator either leads the merge (if its endpoint orders first) or probes back so that the other
 * leads: exactly one side leads, so two partitions never ask each other at once. The leader sends a merge request (again every tick
 * until answered) and flushes its own view; the other coordinator flushes its view and grants (again for every
 * repeated request), naming its survivors and the flush that ended its view; the leader then installs one view
 * of both. Either side that waits longer than the flush timeout (for a
 * grant, or for the merged view) gives up and installs a view of its own survivors, so a lost message or a
 * crashed partner never leaves a partition blocked. A busy coordinator denies requests; the leader retries on
 * a later probe.
 *
 * <p>A probe from a new incarnation at the address of a member of the view means that member restarted: the old
 * incarnation is taken as failed at once. A probe from a member of the view that has since moved to a later view
 * (probes go only to addresses outside the prober's view) means this member was excluded, wrongly or not: unless
 * it is itself in the middle of a flush (then its own view change decides), it stops, and the application comes
 * back as a new incarnation.
 *
 * <pre>
 * PROBE:         kind(1) ltime(4)
 * MERGE_REQUEST: kind(1) ltime(4)
 * MERGE_GRANT:   kind(1) attempt(4) ltime(4) coordinator address(2) incarnation(4)
 *                members(1) { address(2) incarnation(4) } * members
 *                last primary view, if any: ltime(4) coordinator address(2) incarnation(4)
 *                members(1) { address(2) incarnation(4) } * members
 * MERGE_DENY:    kind(1)
 * </pre>
 */
final class MergeRole {
    /** Outside addresses remembered for probing, at most. */
    static final int MAX_OUTSIDERS = 4096;
    /** Seeds where nothing has run are probed at least every this many merge periods. */
    static final int MAX_PROBE_BACKOFF = 16;

    private final Gmp gmp;
    private final LayerContext ctx;

    private Endpoint partner;
    private long partnerDeadline;
    private List<Endpoint> granted;
    private ViewId grantedView;
    private long grantedAttempt;
    private View grantedPrimary;

    private Endpoint leader;
    private long leaderDeadline;
    private boolean waitingForLeader;

    private long nextProbe;
    private int roundsSinceUnknownProbed;
    private int unknownProbeEvery = 1;

    private final AtomicCounter probesSent;
    private final AtomicCounter probesReceived;
    private final AtomicCounter mergesLed;
    private final AtomicCounter mergesGranted;
    private final AtomicCounter mergesDenied;
    private final AtomicCounter mergeTimeouts;

    MergeRole(Gmp gmp, LayerContext ctx) {
        this.gmp = gmp;
        this.ctx = ctx;
        probesSent = ctx.counter("probes sent");
        probesReceived = ctx.counter("probes received");
        mergesLed = ctx.counter("merges led");
        mergesGranted = ctx.counter("merges granted");
        mergesDenied = ctx.counter("merges denied");
        mergeTimeouts = ctx.counter("merge timeouts");
    }

    void tick(long now) {
        if (partner != null && granted == null) {
            send(partner.address(), WireIds.GMP_MERGE_REQUEST);
        }
        if (gmp.flushComplete()) {
            if (waitingForLeader && now > leaderDeadline) {
                mergeTimeouts.incrementRelease();
                waitingForLeader = false;
                leader = null;
                gmp.announcer().installNext(Collections.emptyList(), null, 0, null);
            } else if (partner != null && granted == null && now > partnerDeadline) {
                mergeTimeouts.incrementRelease();
                partner = null;
                gmp.announcer().installNext(Collections.emptyList(), null, 0, null);
            }
            return;
        }
        if (gmp.isCoordinator() && !gmp.busy() && partner == null && leader == null && now >= nextProbe) {
            nextProbe = now + gmp.mergePeriodNanos();
            probe();
        }
    }

    /** Moves deadlines set before gmp's first tick, counted from time 0, to count from {@code now}. */
    void startClock(long now) {
        partnerDeadline += partner != null ? now : 0;
        leaderDeadline += waitingForLeader ? now : 0;
    }

    /** The flush this member coordinated is complete: grant, install the merged view, or install alone. */
    void flushDone() {
        if (leader != null) {
            grant();
            waitingForLeader = true;
            leaderDeadline = gmp.now() + gmp.flushTimeoutNanos();
        } else if (partner != null) {
            if (granted != null) {
                installMerged();
            }
        } else {
            gmp.announcer().installNext(Collections.emptyList(), null, 0, null);
        }
    }

    /** Handles a merge message; false if it is malformed. */
    boolean onMessage(Endpoint sender, byte kind, UnsafeBuffer buffer, int at, int length) {
        switch (kind) {
            case WireIds.GMP_PROBE:
                if (length < 4) {
                    return false;
                }
                onProbe(sender, buffer.getInt(at, WireIds.ORDER) & 0xFFFF_FFFFL);
                return true;
            case WireIds.GMP_MERGE_REQUEST:
                onRequest(sender);
                return true;
            case WireIds.GMP_MERGE_GRANT:
                return onGrant(sender, buffer, at, length);
            case WireIds.GMP_MERGE_DENY:
                onDeny(sender);
                return true;
            default:
                return false;
        }
    }

    private void probe() {
        View view = gmp.view();
        IntHashSet outsiders = gmp.outsiders();
        boolean unknownDue = ++roundsSinceUnknownProbed >= unknownProbeEvery;
        if (unknownDue) {
            roundsSinceUnknownProbed = 0;
            unknownProbeEvery = Math.min(2 * unknownProbeEvery, MAX_PROBE_BACKOFF);
        }
        for (int address : gmp.host().seeds()) {
            if (view.rankAtAddress(address) < 0 && !outsiders.contains(address)
                && (unknownDue || gmp.host().wasInView(address))) {
                send(address, WireIds.GMP_PROBE);
            }
        }
        IntHashSet.IntIterator iterator = outsiders.iterator();
        while (iterator.hasNext()) {
            int address = iterator.nextValue();
            if (view.rankAtAddress(address) < 0) {
                send(address, WireIds.GMP_PROBE);
            }
        }
    }

    private void onProbe(Endpoint sender, long senderTime) {
        probesReceived.incrementRelease();
        View view = gmp.view();
        if (view.contains(sender)) {
            if (senderTime > view.id().ltime() && !gmp.busy()) {
                gmp.host().excluded();
            }
            return;
        }
        int restarted = view.rankAtAddress(sender.address());
        if (restarted >= 0) {
            gmp.suspect(restarted);
            return;
        }
        if (gmp.outsiders().size() < MAX_OUTSIDERS) {
            gmp.outsiders().add(sender.address());
        }
        if (!gmp.isCoordinator() || gmp.busy() || partner != null || leader != null) {
            return;
        }
        if (view.self().compareTo(sender) < 0) {
            partner = sender;
            partnerDeadline = gmp.now() + 2 * gmp.flushTimeoutNanos();
            granted = null;
            mergesLed.incrementRelease();
            send(sender.address(), WireIds.GMP_MERGE_REQUEST);
            gmp.startFlush();
        } else {
            send(sender.address(), WireIds.GMP_PROBE);
        }
    }

    private void onRequest(Endpoint sender) {
        View view = gmp.view();
        if (sender.equals(leader)) {
            if (waitingForLeader) {
                grant();
            }
            return;
        }
        if (!gmp.isCoordinator() || gmp.busy() || partner != null || leader != null
            || view.rankAtAddress(sender.address()) >= 0 || sender.compareTo(view.self()) > 0) {
            mergesDenied.incrementRelease();
            send(sender.address(), WireIds.GMP_MERGE_DENY);
            return;
        }
        leader = sender;
        mergesGranted.incrementRelease();
        gmp.startFlush();
    }

    private void grant() {
        List<Endpoint> survivors = gmp.survivors();
        View last = gmp.host().lastPrimary();
        int length = 1 + 14 + 1 + 6 * survivors.size() + (last == null ? 0 : 10 + 1 + 6 * last.size());
        Event message = ctx.newControlMessage(Event.MEMBERSHIP, leader.address(), length);
        if (message == null) {
            return;
        }
        UnsafeBuffer buffer = message.payload.buffer();
        int at = message.payload.index(0);
        ViewId id = gmp.view().id();
        buffer.putByte(at, WireIds.GMP_MERGE_GRANT);
        buffer.putInt(at + 1, (int) gmp.flushAttempt(), WireIds.ORDER);
        buffer.putInt(at + 5, (int) id.ltime(), WireIds.ORDER);
        ViewMessage.putEndpoint(buffer, at + 9, id.coordinator());
        int end = ViewMessage.putEndpoints(buffer, at + 15, survivors.toArray(new Endpoint[0]));
        if (last != null) {
            buffer.putInt(end, (int) last.id().ltime(), WireIds.ORDER);
            end = ViewMessage.putEndpoint(buffer, end + 4, last.id().coordinator());
            ViewMessage.putEndpoints(buffer, end, last.members());
        }
        message.headers = ctx.headerBit();
        ctx.down(message);
    }

    private boolean onGrant(Endpoint sender, DirectBuffer buffer, int at, int length) {
        if (length < 15) {
            return false;
        }
        int count = buffer.getByte(at + 14) & 0xFF;
        if (count == 0 || length < 15 + 6 * count) {
            return false;
        }
        if (!sender.equals(partner) || granted != null) {
            return true;
        }
        try {
            grantedAttempt = buffer.getInt(at, WireIds.ORDER) & 0xFFFF_FFFFL;
            grantedView = new ViewId(buffer.getInt(at + 4, WireIds.ORDER) & 0xFFFF_FFFFL,
                ViewMessage.endpoint(buffer, at + 8));
            List<Endpoint> members = new ArrayList<>();
            Collections.addAll(members, ViewMessage.endpoints(buffer, at + 15, count));
            grantedPrimary = null;
            int last = at + 15 + 6 * count;
            if (length >= last - at + 11) {
                int lastCount = buffer.getByte(last + 10) & 0xFF;
                if (lastCount == 0 || length < last - at + 11 + 6 * lastCount) {
                    return false;
                }
                Endpoint[] lastMembers = ViewMessage.endpoints(buffer, last + 11, lastCount);
                grantedPrimary = new View(gmp.view().groupId(), new ViewId(buffer.getInt(last, WireIds.ORDER)
                    & 0xFFFF_FFFFL, ViewMessage.endpoint(buffer, last + 4)), lastMembers, 0, true);
            }
            granted = members;
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (gmp.flushComplete()) {
            installMerged();
        }
        return true;
    }

    private void onDeny(Endpoint sender) {
        if (sender.equals(partner) && granted == null) {
            partner = null;
            if (gmp.flushComplete()) {
                gmp.announcer().installNext(Collections.emptyList(), null, 0, null);
            }
        }
    }

    /** Installs one view of both partitions, unless they share an address (then this side goes on alone). */
    private void installMerged() {
        List<Endpoint> ours = gmp.survivors();
        boolean clash = ours.size() + granted.size() > ctx.maxGroupSize();
        for (Endpoint theirs : granted) {
            for (Endpoint mine : ours) {
                clash |= theirs.address() == mine.address();
            }
        }
        partner = null;
        if (clash) {
            gmp.announcer().installNext(Collections.emptyList(), null, 0, null);
        } else {
            gmp.announcer().installNext(granted, grantedView, grantedAttempt, grantedPrimary);
        }
    }

    private void send(int address, byte kind) {
        Event message = ctx.newControlMessage(Event.MEMBERSHIP, address, 5);
        if (message == null) {
            return;
        }
        UnsafeBuffer buffer = message.payload.buffer();
        int at = message.payload.index(0);
        buffer.putByte(at, kind);
        buffer.putInt(at + 1, (int) gmp.view().id().ltime(), WireIds.ORDER);
        if (kind == WireIds.GMP_MERGE_DENY) {
            message.payload.truncate(1);
        }
        message.headers = ctx.headerBit();
        if (kind == WireIds.GMP_PROBE) {
            probesSent.incrementRelease();
        }
        ctx.down(message);
    }

    String dump() {
        return (partner != null ? " merging with " + partner + (granted != null ? " (granted)" : "") : "")
            + (leader != null ? " granting " + leader : "");
    }
}
