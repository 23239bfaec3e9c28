package io.consort.xsk;

import io.consort.xsk.ring.CompletionRing;
import io.consort.xsk.ring.FillRing;
import io.consort.xsk.ring.RingMemory;

/**
 * The fill and completion ring pair the kernel keeps per (UMEM, interface, queue). Sockets of one UMEM bound
 * to the same queue share one pair, so refilling and reclaiming go through this object, never per socket
 * (the thesis's shared-UMEM stall came from several owners of one pair).
 */
final class FrameRings {
    /** Unique within the UMEM: the native slot is reused once its pair is gone, an id never is. */
    final int id;
    /**
     * Bound by Consort's C rather than libxdp: its last socket's close really unbinds, so the kernel is done
     * with every frame lent to the pair once that socket is gone.
     */
    final boolean own;
    final FillRing fill;
    final CompletionRing completion;
    int users;
    /**
     * Frames put on the fill ring and not yet taken off an rx ring of this pair: on the fill ring, in the
     * kernel, or received and not yet peeked. The fill ring has room for at least {@code fill.size() - lent},
     * so refilling needs no read of the kernel's consumer index, a cache line the kernel writes per packet.
     */
    int lent;

    FrameRings(int id, boolean own, RingMemory fill, RingMemory completion) {
        this.id = id;
        this.own = own;
        this.fill = new FillRing(fill);
        this.completion = new CompletionRing(completion);
    }

    void invalidate() {
        fill.invalidate();
        completion.invalidate();
    }
}
