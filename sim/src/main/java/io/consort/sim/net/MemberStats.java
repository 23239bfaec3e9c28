package io.consort.sim.net;

/**
 * What the network did for each member, kept by the network so tests can read it whether or not the member
 * has a transport, and mirrored into the member's counters through its open transport.
 */
final class MemberStats {
    private final long[] sent;
    private final long[] received;
    private final long[] dropped;
    private final long[] droppedTotal = new long[DropReason.count()];

    MemberStats(int members) {
        sent = new long[members];
        received = new long[members];
        dropped = new long[members * DropReason.count()];
    }

    void countSent(int rank, SimTransport endpoint) {
        sent[rank]++;
        if (endpoint != null) {
            endpoint.countSent();
        }
    }

    void countReceived(int rank) {
        received[rank]++;
    }

    void countDrop(int rank, DropReason reason, SimTransport endpoint) {
        dropped[rank * DropReason.count() + reason.ordinal()]++;
        droppedTotal[reason.ordinal()]++;
        if (endpoint != null) {
            endpoint.countDrop(reason);
        }
    }

    long sent(int rank) {
        return sent[rank];
    }

    long received(int rank) {
        return received[rank];
    }

    long dropped(int rank, DropReason reason) {
        return dropped[rank * DropReason.count() + reason.ordinal()];
    }

    long dropped(DropReason reason) {
        return droppedTotal[reason.ordinal()];
    }
}
