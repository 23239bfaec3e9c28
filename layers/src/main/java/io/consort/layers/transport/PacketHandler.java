package io.consort.layers.transport;

/** Receives packets from a {@link Transport}; it owns the frame and must release it. */
@FunctionalInterface
public interface PacketHandler {
    void onPacket(int frame, int offset, int length);
}
