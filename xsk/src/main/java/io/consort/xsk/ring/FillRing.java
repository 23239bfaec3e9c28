package io.consort.xsk.ring;

/** Frames user space lends the kernel to receive into: 8-byte UMEM addresses. */
public final class FillRing extends ProducerRing {
    public FillRing(RingMemory memory) {
        super("fill", memory, Long.BYTES);
    }

    /** Writes the UMEM address of reserved slot {@code ringIndex} (from {@link #reservedIndex()} on). */
    public void setAddress(int ringIndex, long umemAddress) {
        descriptorBuffer().putLong(descriptorIndex(ringIndex) * Long.BYTES, umemAddress);
    }

    /**
     * Reserves, writes and submits up to {@code count} addresses from {@code addresses[0..count)}.
     *
     * @return how many were handed to the kernel; the rest did not fit.
     */
    public int produce(long[] addresses, int count) {
        int n = reserve(count);
        int index = reservedIndex();
        for (int i = 0; i < n; i++) {
            setAddress(index + i, addresses[i]);
        }
        if (n > 0) {
            submit(n);
        }
        return n;
    }
}
