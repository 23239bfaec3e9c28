package io.consort.xsk.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes Ethernet, IPv4 and UDP headers into the {@value #HEADERS_LENGTH} bytes in front of a payload that is
 * already in place (in a frame's headroom), so the payload is never copied.
 *
 * <p>The source (MAC, IP, port) is fixed per writer; the destination is given per packet. IPv4 headers carry
 * Don't Fragment and identification 0 (an atomic datagram's identification means nothing, RFC 6864), so the
 * headers are a function of the destination and the payload alone: writing them again for the same destination
 * over a frame still being sent stores the bytes already there. The UDP checksum is computed unless turned off,
 * in which case 0 ("no checksum", allowed over IPv4) is sent. One writer per sending thread.
 */
public final class UdpFrameWriter {
    /** Ethernet (14) + IPv4 without options (20) + UDP (8). */
    public static final int HEADERS_LENGTH =
        EthernetFlyweight.HEADER_LENGTH + Ipv4Flyweight.HEADER_LENGTH + UdpFlyweight.HEADER_LENGTH;
    /** Largest payload an IPv4 datagram can carry in UDP. */
    public static final int MAX_PAYLOAD = 0xFFFF - Ipv4Flyweight.HEADER_LENGTH - UdpFlyweight.HEADER_LENGTH;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final long sourceMac;
    private final int sourceIp;
    private final int sourcePort;
    private boolean udpChecksum = true;
    private int ttl = Ipv4Flyweight.DEFAULT_TTL;

    public UdpFrameWriter(long sourceMac, int sourceIp, int sourcePort) {
        this.sourceMac = sourceMac;
        this.sourceIp = sourceIp;
        this.sourcePort = sourcePort;
    }

    /** Compute UDP checksums (default) or send 0, which saves a pass over the payload. */
    public UdpFrameWriter udpChecksum(boolean compute) {
        this.udpChecksum = compute;
        return this;
    }

    public UdpFrameWriter ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    /**
     * Writes the headers for the {@code payloadLength} bytes at {@code payloadIndex}, which must have at least
     * {@value #HEADERS_LENGTH} bytes of room in front of it.
     *
     * @return the index of the frame's first byte, {@code payloadIndex - HEADERS_LENGTH}.
     */
    public int write(MutableDirectBuffer buffer, int payloadIndex, int payloadLength, long destinationMac,
                     int destinationIp, int destinationPort) {
        int frameIndex = payloadIndex - HEADERS_LENGTH;
        writeHeaders(buffer, frameIndex, buffer, payloadIndex, payloadLength, destinationMac, destinationIp,
            destinationPort);
        return frameIndex;
    }

    /**
     * Writes the {@value #HEADERS_LENGTH} bytes of headers at {@code headerIndex} for a payload that lies
     * elsewhere ({@code payloadLength} bytes at {@code payloadIndex} of {@code payloadBuffer}, which is only
     * read, for the UDP checksum): the header half of a packet sent as two descriptors.
     */
    public void writeHeaders(MutableDirectBuffer buffer, int headerIndex, DirectBuffer payloadBuffer, int payloadIndex,
                             int payloadLength, long destinationMac, int destinationIp, int destinationPort) {
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload must be 0.." + MAX_PAYLOAD + " bytes, was " + payloadLength);
        }
        int ipIndex = headerIndex + EthernetFlyweight.HEADER_LENGTH;
        int udpIndex = ipIndex + Ipv4Flyweight.HEADER_LENGTH;
        int udpLength = UdpFlyweight.HEADER_LENGTH + payloadLength;
        ethernet.wrap(buffer, headerIndex)
            .destination(destinationMac)
            .source(sourceMac)
            .etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
        ip.wrap(buffer, ipIndex)
            .versionIhl(Ipv4Flyweight.VERSION_IHL_NO_OPTIONS)
            .dscpEcn(0)
            .totalLength(Ipv4Flyweight.HEADER_LENGTH + udpLength)
            .identification(0)
            .flagsFragment(Ipv4Flyweight.FLAG_DONT_FRAGMENT)
            .ttl(ttl)
            .protocol(Ipv4Flyweight.PROTOCOL_UDP)
            .source(sourceIp)
            .destination(destinationIp)
            .updateChecksum();
        udp.wrap(buffer, udpIndex)
            .sourcePort(sourcePort)
            .destinationPort(destinationPort)
            .length(udpLength)
            .checksum(0);
        if (udpChecksum) {
            int payloadSum = Checksums.fold(Checksums.sum(payloadBuffer, payloadIndex, payloadLength, 0));
            udp.checksum(Checksums.udpFromParts(sourceIp, destinationIp, sourcePort, destinationPort, udpLength,
                payloadSum));
        }
    }

    public long sourceMac() {
        return sourceMac;
    }

    public int sourceIp() {
        return sourceIp;
    }

    public int sourcePort() {
        return sourcePort;
    }
}
