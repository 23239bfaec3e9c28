package io.consort.xsk.ring;

/** Frames the kernel has finished sending and gives back: 8-byte UMEM addresses. */
public final class CompletionRing extends ConsumerRing {
    public CompletionRing(RingMemory memory) {
        super("completion", memory, Long.BYTES);
    }

    /** The UMEM address in peeked entry {@code ringIndex} (from {@link #peekedIndex()} on). */
    public long address(int ringIndex) {
        return descriptors.getLong((ringIndex & mask) * Long.BYTES);
    }

    /** Peeks, copies out and releases up to {@code max} addresses into {@code addresses}. */
    public int consume(long[] addresses, int max) {
        int n = peek(Math.min(max, addresses.length));
        int index = peekedIndex();
        for (int i = 0; i < n; i++) {
            addresses[i] = address(index + i);
        }
        if (n > 0) {
            release(n);
        }
        return n;
    }
}
