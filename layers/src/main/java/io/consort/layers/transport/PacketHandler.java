package io.consort.layers.transport;

/**
 * Receives packets from a {@link Transport}; it owns the frame and must release it. {@code offset} is relative
 * to the frame's start (the packet's bottom header is at {@code pool.frameOffset(frame) + offset}).
 */
@FunctionalInterface
public interface PacketHandler {
    void onPacket(int frame, int offset, int length);
}
