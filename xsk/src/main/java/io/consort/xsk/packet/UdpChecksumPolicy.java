package io.consort.xsk.packet;

/** How {@link UdpFrameParser} treats the UDP checksum of a received datagram. */
public enum UdpChecksumPolicy {
    /** Accept a correct checksum or none (0, legal for UDP over IPv4); reject anything else. */
    VERIFY,
    /**
     * As {@link #VERIFY}, and also accept the unfinished checksum a Linux socket leaves for the device to
     * complete (CHECKSUM_PARTIAL): the field then holds the pseudo-header sum. Frames sent by a kernel UDP
     * socket across a local veth look like that, because no device finishes them. Anything else is rejected.
     */
    VERIFY_OR_PARTIAL,
    /** Do not look at the UDP checksum. */
    IGNORE
}
