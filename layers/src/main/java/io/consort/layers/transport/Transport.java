package io.consort.layers.transport;

/**
 * Moves Consort packets between the members of a group. The simulator, AF_XDP and kernel UDP implement it.
 *
 * <p>A transport is built for one member over that member's {@link io.consort.iovec.FramePool}. Packets are
 * frames of that pool: outgoing ones are handed over by the bottom layer, incoming ones are acquired from the
 * pool's {@link io.consort.iovec.Account#RECEIVE} account and handed up. Destinations are addresses, indexes
 * into the transport's address book (the hosts that may take part); the bottom layer maps a view's ranks to
 * them. Single-threaded: it runs in the member's duty cycle.
 */
public interface Transport extends AutoCloseable {
    /** Destination meaning every other member of the group. */
    int ALL = -1;

    /**
     * How many addresses the transport knows: destinations are 0 to this minus one, and {@link #ALL} reaches
     * every one of them but the sender's own.
     */
    int addressCount();

    /** Bytes of frame headroom the transport writes in front of a packet (Ethernet, IP and UDP headers). */
    int headroom();

    /** Largest packet, bottom header included, that fits one datagram on this transport. */
    int maxPacketLength();

    /**
     * Sends the {@code length} bytes at {@code offset} (relative to the frame's start, like
     * {@link io.consort.iovec.Iovec} offsets) of {@code frame} to address {@code destination}, or to every
     * other address for {@link #ALL}. The caller keeps its reference; the transport retains the frame if it needs
     * it after returning.
     *
     * @return false when the packet could not be queued (ring or link full); the packet is then lost as if
     *     dropped by the network, and counted.
     */
    boolean send(int destination, int frame, int offset, int length);

    /**
     * Hands up to {@code limit} received packets to {@code handler}, which owns each frame and must release it.
     *
     * @return how many packets were handed over.
     */
    int poll(PacketHandler handler, int limit);

    /** Pushes out packets the transport batched (for example kicks the TX ring). Returns a work count. */
    int flush();

    /** Releases native resources and every frame the transport still holds. Idempotent. */
    @Override
    void close();
}
