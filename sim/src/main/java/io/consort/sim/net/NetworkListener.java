package io.consort.sim.net;

import org.agrona.DirectBuffer;

/**
 * Watches what the simulated network does, for traces, demos and tests. Called on the simulation thread in
 * the order things happen; implementations must not call back into the network. Arguments are primitives and
 * the network's own buffer, so a listener that keeps nothing allocates nothing.
 */
public interface NetworkListener {
    /** A listener that ignores everything. */
    NetworkListener NONE = new NetworkListener() {
    };

    /**
     * A copy of a packet was put on the link from {@code source} to {@code destination}, to arrive at
     * {@code arrival}; {@code duplicate} is true for the extra copy the link made.
     */
    default void onTransmit(long now, int source, int destination, int length, long arrival, boolean duplicate) {
    }

    /**
     * A packet was lost. {@code source} is {@link SimNetwork#UNKNOWN_SOURCE} for injected packets without one;
     * {@code destination} is {@link io.consort.layers.transport.Transport#ALL} when a multicast was refused
     * before it was split per destination.
     */
    default void onDrop(long time, int source, int destination, DropReason reason, int length) {
    }

    /** A packet was handed to {@code destination}'s stack; its bytes are at {@code index} in {@code buffer}. */
    default void onDeliver(long now, int source, int destination, DirectBuffer buffer, int index, int length) {
    }
}
