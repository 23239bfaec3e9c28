package io.consort.layers.transport;

import io.consort.iovec.FramePool;

/**
 * A packet handler that counts what a transport hands up and releases it at once: for measuring or draining a
 * transport with nothing above it. An object, so a poll call site passing it captures nothing.
 */
public final class CountingSink implements PacketHandler {
    private final FramePool pool;
    private long packets;

    public CountingSink(FramePool pool) {
        this.pool = pool;
    }

    @Override
    public void onPacket(int frame, int offset, int length) {
        packets++;
        pool.release(frame);
    }

    /** Packets handed up so far. */
    public long packets() {
        return packets;
    }
}
