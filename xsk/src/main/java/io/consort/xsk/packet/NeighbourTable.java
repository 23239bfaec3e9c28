package io.consort.xsk.packet;

/** Maps IPv4 addresses to the Ethernet addresses frames for them are sent to. */
public interface NeighbourTable {
    /**
     * The MAC to send to {@code ip}: for an IPv4 multicast group its 01:00:5e MAC, otherwise the neighbour's, or
     * {@link MacAddress#NONE} when unknown. Called per destination at setup, not per packet.
     */
    long macOf(int ip);
}
