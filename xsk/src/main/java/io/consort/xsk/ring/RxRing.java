package io.consort.xsk.ring;

/** Received packets: 16-byte {@code xdp_desc} entries (UMEM address of the data, length, options). */
public final class RxRing extends ConsumerRing {
    public RxRing(RingMemory memory) {
        super("rx", memory, Descriptor.BYTES);
    }

    /** UMEM address of the packet's first byte in peeked entry {@code ringIndex}. */
    public long address(int ringIndex) {
        return descriptors.getLong(Descriptor.addressOffset(ringIndex & mask));
    }

    public int length(int ringIndex) {
        return descriptors.getInt(Descriptor.lengthOffset(ringIndex & mask));
    }

    public int options(int ringIndex) {
        return descriptors.getInt(Descriptor.optionsOffset(ringIndex & mask));
    }

    /** Peeks, copies out and releases up to {@code max} descriptors into the two arrays. */
    public int consume(long[] addresses, int[] lengths, int max) {
        int n = peek(Math.min(max, Math.min(addresses.length, lengths.length)));
        int index = peekedIndex();
        for (int i = 0; i < n; i++) {
            addresses[i] = address(index + i);
            lengths[i] = length(index + i);
        }
        if (n > 0) {
            release(n);
        }
        return n;
    }
}
