package io.consort.xsk.packet;

/** Why {@link UdpFrameParser} accepted or rejected a frame; each rejection reason is counted separately. */
public enum ParseResult {
    /** A well-formed UDP/IPv4 datagram addressed to us. */
    OK("ok"),
    /** Shorter than its headers, or than the lengths its headers claim. */
    TRUNCATED("truncated"),
    /** Longer than the configured largest frame. */
    OVERSIZED("oversized"),
    /** EtherType is not IPv4 (ARP, IPv6, ...) or the VLAN tags are nested. */
    NOT_IPV4("not-ipv4"),
    /** IP version is not 4, or the header length field is below five words. */
    BAD_IP_HEADER("bad-ip-header"),
    /** IPv4 header carries options; Consort never sends them. */
    IP_OPTIONS("ip-options"),
    /** IP total length smaller than the headers it must cover. */
    BAD_IP_LENGTH("bad-ip-length"),
    /** A fragment (more-fragments flag or a non-zero offset); Consort never fragments. */
    IP_FRAGMENT("ip-fragment"),
    BAD_IP_CHECKSUM("bad-ip-checksum"),
    NOT_UDP("not-udp"),
    /** UDP length disagrees with the IP length. */
    BAD_UDP_LENGTH("bad-udp-length"),
    BAD_UDP_CHECKSUM("bad-udp-checksum"),
    /** Destination MAC is neither ours nor a multicast group we joined. */
    WRONG_MAC("wrong-mac"),
    /** Destination IP is neither ours nor a group we joined. */
    WRONG_IP("wrong-ip"),
    /** Destination port outside the ports we serve. */
    WRONG_PORT("wrong-port");

    private static final ParseResult[] VALUES = values();

    private final String label;

    ParseResult(String label) {
        this.label = label;
    }

    /** Short name used in counter labels and tool output. */
    public String label() {
        return label;
    }

    public static ParseResult of(int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }
}
