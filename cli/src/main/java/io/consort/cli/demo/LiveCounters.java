package io.consort.cli.demo;

import java.util.List;

/**
 * The demo's live line, about once a second: each member's view, casts delivered (and per second),
 * retransmissions and drops, read from the members' status files as {@code consort stat} does.
 */
final class LiveCounters implements Runnable {
    private final List<MemberLauncher> members;
    private long lastPrint;
    private long[] lastDelivered = new long[0];

    LiveCounters(List<MemberLauncher> members) {
        this.members = members;
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        if (now - lastPrint < 1_000_000_000L) {
            return;
        }
        double seconds = lastPrint == 0 ? 1 : (now - lastPrint) / 1e9;
        lastPrint = now;
        if (lastDelivered.length != members.size()) {
            lastDelivered = new long[members.size()];
        }
        StringBuilder line = new StringBuilder("  counters");
        for (int i = 0; i < members.size(); i++) {
            MemberLauncher member = members.get(i);
            if (member == null) {
                continue;
            }
            line.append(" | ").append(member.name());
            if (!member.alive()) {
                line.append(" dead");
                continue;
            }
            long delivered = member.counter("app casts delivered");
            if (delivered < 0 || member.counter("app view size") < 0) {
                line.append(" starting");
                lastDelivered[i] = 0;
                continue;
            }
            // A restarted member counts from 0 again.
            long rate = delivered < lastDelivered[i] ? 0 : (long) ((delivered - lastDelivered[i]) / seconds);
            lastDelivered[i] = delivered;
            line.append(String.format(" view %d of %d, %,d delivered (%,d/s), %,d retx, %,d dropped",
                member.counter("app view ltime"), member.counter("app view size"), delivered, rate,
                Math.max(0, member.sum("retransmit")), Math.max(0, member.sum("dropped"))));
        }
        System.out.println(line);
    }
}
