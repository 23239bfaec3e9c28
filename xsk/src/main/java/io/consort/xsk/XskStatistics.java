package io.consort.xsk;

/**
 * The kernel's {@code XDP_STATISTICS} for one socket, read into a reusable holder by
 * {@link XskSocket#statistics(XskStatistics)}.
 */
public final class XskStatistics {
    final long[] values = new long[6];

    /** Received packets dropped for lack of room or for other reasons. */
    public long rxDropped() {
        return values[0];
    }

    /** Fill ring entries the kernel rejected (address outside the UMEM, misaligned). */
    public long rxInvalidDescriptors() {
        return values[1];
    }

    /** Tx ring entries the kernel rejected (bad address or length). */
    public long txInvalidDescriptors() {
        return values[2];
    }

    /** Packets dropped because the rx ring was full: the application is not draining fast enough. */
    public long rxRingFull() {
        return values[3];
    }

    /** Times the kernel found the fill ring empty: no frame to receive into. */
    public long fillRingEmpty() {
        return values[4];
    }

    /** Times the kernel looked at the tx ring and found nothing. */
    public long txRingEmpty() {
        return values[5];
    }

    @Override
    public String toString() {
        return "rx_dropped=" + rxDropped() + " rx_invalid_descs=" + rxInvalidDescriptors()
            + " tx_invalid_descs=" + txInvalidDescriptors() + " rx_ring_full=" + rxRingFull()
            + " rx_fill_ring_empty_descs=" + fillRingEmpty() + " tx_ring_empty_descs=" + txRingEmpty();
    }
}
