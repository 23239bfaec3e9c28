package io.consort.testsupport;

import io.consort.layers.api.MessageHandler;
import org.agrona.DirectBuffer;

/**
 * Checks every delivery of a group against {@link Traffic} as it happens: the k-th cast delivered from a sender
 * must be that sender's k-th cast, intact; likewise for each stream of sends. So deliveries are exactly once, in
 * each sender's order, and unaltered. Records the first violation (allocating only then) and counts deliveries.
 */
public final class DeliveryChecker {
    private final Traffic traffic;
    private final long[][] casts;
    private final long[][] sends;
    private final MessageHandler[] handlers;
    private String violation;
    private long violations;

    public DeliveryChecker(int members, Traffic traffic) {
        this.traffic = traffic;
        this.casts = new long[members][members];
        this.sends = new long[members][members];
        this.handlers = new MessageHandler[members];
        for (int receiver = 0; receiver < members; receiver++) {
            int me = receiver;
            handlers[receiver] = (kind, origin, buffer, offset, length) ->
                onDelivery(me, kind, origin, buffer, offset, length);
        }
    }

    /** The handler to give the member of rank {@code receiver}. */
    public MessageHandler handler(int receiver) {
        return handlers[receiver];
    }

    public void onDelivery(int receiver, int kind, int origin, DirectBuffer buffer, int offset, int length) {
        if (origin < 0 || origin >= casts.length) {
            fail(receiver, kind, origin, -1, length, "from a rank outside the group");
            return;
        }
        boolean cast = kind == MessageHandler.CAST;
        long k = cast ? casts[receiver][origin]++ : sends[receiver][origin]++;
        int destination = cast ? Traffic.CAST : receiver;
        if (!traffic.matches(buffer, offset, length, origin, destination, k)) {
            fail(receiver, kind, origin, k, length, "is not message " + k + " of its stream (expected length "
                + traffic.length(origin, destination, k) + "): lost, duplicated, reordered or corrupted");
        }
    }

    private void fail(int receiver, int kind, int origin, long k, int length, String why) {
        violations++;
        if (violation == null) {
            violation = "member " + receiver + " got " + (kind == MessageHandler.CAST ? "cast" : "send") + " #" + k
                + " from " + origin + " (" + length + " bytes) which " + why;
        }
    }

    public long castsDelivered(int receiver, int origin) {
        return casts[receiver][origin];
    }

    /** Whether every member has delivered at least {@code count} casts from every member. */
    public boolean everyoneDeliveredCasts(long count) {
        for (long[] byOrigin : casts) {
            for (long delivered : byOrigin) {
                if (delivered < count) {
                    return false;
                }
            }
        }
        return true;
    }

    public long sendsDelivered(int receiver, int origin) {
        return sends[receiver][origin];
    }

    /** Null when every delivery so far was right. */
    public String firstViolation() {
        return violation;
    }

    public long violations() {
        return violations;
    }
}
