package io.consort.xsk.packet;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Strict parser of received Ethernet frames carrying UDP over IPv4, optionally behind one 802.1Q VLAN tag.
 *
 * <p>{@link #parse} checks, cheapest first: size, destination MAC, EtherType, IP version and header length
 * (options are rejected), IP lengths, fragments, IP checksum, protocol, UDP length, destination IP and port,
 * and last the UDP checksum under the configured {@link UdpChecksumPolicy}. It reads only inside the given
 * bounds, so garbage is rejected, never thrown on. After {@link ParseResult#OK} the getters describe the frame
 * until the next call. Configure before use; not thread-safe; allocates nothing.
 */
public final class UdpFrameParser {
    /** Largest untagged Ethernet frame for a 1500-byte MTU, plus room for one VLAN tag. */
    public static final int DEFAULT_MAX_FRAME_LENGTH =
        EthernetFlyweight.HEADER_LENGTH + EthernetFlyweight.VLAN_TAG_LENGTH + 1500;
    private static final int MAX_GROUPS = 32;
    /** {@link #payloadSum()} when the checksum was not verified, so the payload was not summed. */
    public static final int NO_PAYLOAD_SUM = -1;

    private long localMac = MacAddress.NONE;
    private int localIp;
    private int lowestPort;
    private int highestPort = 0xFFFF;
    private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
    private UdpChecksumPolicy checksumPolicy = UdpChecksumPolicy.VERIFY;
    private final int[] groups = new int[MAX_GROUPS];
    private int groupCount;

    private int vlanId;
    private long sourceMac;
    private long destinationMac;
    private int sourceIp;
    private int destinationIp;
    private int sourcePort;
    private int destinationPort;
    private int ipIndex;
    private int udpIndex;
    private int payloadIndex;
    private int payloadLength;
    private int payloadSum = NO_PAYLOAD_SUM;

    /** Accept only frames to this MAC (or a joined group's); {@link MacAddress#NONE}, the default, accepts any. */
    public UdpFrameParser localMac(long mac) {
        this.localMac = mac;
        return this;
    }

    /** Accept only datagrams to this IP (or a joined group); 0, the default, accepts any unicast address. */
    public UdpFrameParser localIp(int ip) {
        this.localIp = ip;
        return this;
    }

    /** Accept only destination ports in {@code [lowest, highest]}; the default is every port. */
    public UdpFrameParser ports(int lowest, int highest) {
        if (lowest < 0 || highest > 0xFFFF || lowest > highest) {
            throw new IllegalArgumentException("port range must lie in 0..65535, was " + lowest + ".." + highest);
        }
        this.lowestPort = lowest;
        this.highestPort = highest;
        return this;
    }

    public UdpFrameParser maxFrameLength(int length) {
        this.maxFrameLength = length;
        return this;
    }

    public UdpFrameParser checksumPolicy(UdpChecksumPolicy policy) {
        this.checksumPolicy = policy;
        return this;
    }

    /** Also accept datagrams sent to this IPv4 multicast group (and its Ethernet multicast MAC). */
    public UdpFrameParser joinGroup(int group) {
        if (!Ipv4Address.isMulticast(group)) {
            throw new IllegalArgumentException(Ipv4Address.toString(group) + " is not an IPv4 multicast group");
        }
        if (groupCount == MAX_GROUPS) {
            throw new IllegalStateException("at most " + MAX_GROUPS + " multicast groups");
        }
        groups[groupCount++] = group;
        return this;
    }

    /** Parses the {@code length} bytes of the frame at {@code index}. */
    public ParseResult parse(MutableDirectBuffer buffer, int index, int length) {
        if (length > maxFrameLength) {
            return ParseResult.OVERSIZED;
        }
        if (length < EthernetFlyweight.HEADER_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        destinationMac = EthernetFlyweight.readMac(buffer, index + EthernetFlyweight.DESTINATION_OFFSET);
        if (!macForUs(destinationMac)) {
            return ParseResult.WRONG_MAC;
        }
        sourceMac = EthernetFlyweight.readMac(buffer, index + EthernetFlyweight.SOURCE_OFFSET);
        int etherType = u16(buffer, index + EthernetFlyweight.ETHER_TYPE_OFFSET);
        int l2Length = EthernetFlyweight.HEADER_LENGTH;
        vlanId = -1;
        if (etherType == EthernetFlyweight.ETHER_TYPE_VLAN || etherType == EthernetFlyweight.ETHER_TYPE_QINQ) {
            l2Length += EthernetFlyweight.VLAN_TAG_LENGTH;
            if (length < l2Length) {
                return ParseResult.TRUNCATED;
            }
            vlanId = u16(buffer, index + EthernetFlyweight.VLAN_TCI_OFFSET) & 0x0FFF;
            etherType = u16(buffer, index + EthernetFlyweight.VLAN_ETHER_TYPE_OFFSET);
        }
        if (etherType != EthernetFlyweight.ETHER_TYPE_IPV4) {
            return ParseResult.NOT_IPV4;
        }
        return parseIp(buffer, index + l2Length, length - l2Length);
    }

    private ParseResult parseIp(MutableDirectBuffer buffer, int ip, int available) {
        if (available < Ipv4Flyweight.HEADER_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        int versionIhl = buffer.getByte(ip + Ipv4Flyweight.VERSION_IHL_OFFSET) & 0xFF;
        if ((versionIhl >>> 4) != 4 || (versionIhl & 0xF) < 5) {
            return ParseResult.BAD_IP_HEADER;
        }
        if ((versionIhl & 0xF) != 5) {
            return ParseResult.IP_OPTIONS;
        }
        int totalLength = u16(buffer, ip + Ipv4Flyweight.TOTAL_LENGTH_OFFSET);
        if (totalLength < Ipv4Flyweight.HEADER_LENGTH + UdpFlyweight.HEADER_LENGTH) {
            return ParseResult.BAD_IP_LENGTH;
        }
        // Frames may be longer than the datagram (Ethernet pads to 60 bytes), never shorter.
        if (totalLength > available) {
            return ParseResult.TRUNCATED;
        }
        int flagsFragment = u16(buffer, ip + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET);
        if ((flagsFragment & (Ipv4Flyweight.FLAG_MORE_FRAGMENTS | Ipv4Flyweight.FRAGMENT_OFFSET_MASK)) != 0) {
            return ParseResult.IP_FRAGMENT;
        }
        if (Checksums.fold(Checksums.sum(buffer, ip, Ipv4Flyweight.HEADER_LENGTH, 0)) != 0xFFFF) {
            return ParseResult.BAD_IP_CHECKSUM;
        }
        if ((buffer.getByte(ip + Ipv4Flyweight.PROTOCOL_OFFSET) & 0xFF) != Ipv4Flyweight.PROTOCOL_UDP) {
            return ParseResult.NOT_UDP;
        }
        ipIndex = ip;
        sourceIp = buffer.getInt(ip + Ipv4Flyweight.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
        destinationIp = buffer.getInt(ip + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        return parseUdp(buffer, ip + Ipv4Flyweight.HEADER_LENGTH, totalLength - Ipv4Flyweight.HEADER_LENGTH);
    }

    private ParseResult parseUdp(MutableDirectBuffer buffer, int udp, int ipPayloadLength) {
        int udpLength = u16(buffer, udp + UdpFlyweight.LENGTH_OFFSET);
        if (udpLength != ipPayloadLength) {
            return ParseResult.BAD_UDP_LENGTH;
        }
        if (!ipForUs(destinationIp)) {
            return ParseResult.WRONG_IP;
        }
        destinationPort = u16(buffer, udp + UdpFlyweight.DESTINATION_PORT_OFFSET);
        if (destinationPort < lowestPort || destinationPort > highestPort) {
            return ParseResult.WRONG_PORT;
        }
        if (!checksumAcceptable(buffer, udp, udpLength)) {
            return ParseResult.BAD_UDP_CHECKSUM;
        }
        sourcePort = u16(buffer, udp + UdpFlyweight.SOURCE_PORT_OFFSET);
        udpIndex = udp;
        payloadIndex = udp + UdpFlyweight.HEADER_LENGTH;
        payloadLength = udpLength - UdpFlyweight.HEADER_LENGTH;
        return ParseResult.OK;
    }

    private boolean checksumAcceptable(MutableDirectBuffer buffer, int udp, int udpLength) {
        payloadSum = NO_PAYLOAD_SUM;
        if (checksumPolicy == UdpChecksumPolicy.IGNORE) {
            return true;
        }
        int stored = u16(buffer, udp + UdpFlyweight.CHECKSUM_OFFSET);
        if (stored == 0) {
            return true;
        }
        // Header and payload are summed apart so that a reply built from this frame can reuse the payload's sum.
        long payload =
            Checksums.sum(buffer, udp + UdpFlyweight.HEADER_LENGTH, udpLength - UdpFlyweight.HEADER_LENGTH, 0);
        long whole = Checksums.sum(buffer, udp, UdpFlyweight.HEADER_LENGTH,
            payload + Checksums.pseudoHeaderSum(sourceIp, destinationIp, Ipv4Flyweight.PROTOCOL_UDP, udpLength));
        if (Checksums.fold(whole) == 0xFFFF
            || checksumPolicy == UdpChecksumPolicy.VERIFY_OR_PARTIAL
            && stored == Checksums.udpPartial(sourceIp, destinationIp, udpLength)) {
            payloadSum = Checksums.fold(payload);
            return true;
        }
        return false;
    }

    private boolean macForUs(long mac) {
        if (localMac == MacAddress.NONE || mac == localMac) {
            return true;
        }
        for (int i = 0; i < groupCount; i++) {
            if (mac == MacAddress.forIpv4Multicast(groups[i])) {
                return true;
            }
        }
        return false;
    }

    private boolean ipForUs(int ip) {
        if (Ipv4Address.isMulticast(ip)) {
            for (int i = 0; i < groupCount; i++) {
                if (ip == groups[i]) {
                    return true;
                }
            }
            return false;
        }
        return localIp == 0 || ip == localIp;
    }

    private static int u16(MutableDirectBuffer buffer, int index) {
        return buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** VLAN id of the last accepted frame, or -1 when it was untagged. */
    public int vlanId() {
        return vlanId;
    }

    public long sourceMac() {
        return sourceMac;
    }

    public long destinationMac() {
        return destinationMac;
    }

    public int sourceIp() {
        return sourceIp;
    }

    public int destinationIp() {
        return destinationIp;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** Buffer index of the IPv4 header. */
    public int ipIndex() {
        return ipIndex;
    }

    /** Buffer index of the UDP header. */
    public int udpIndex() {
        return udpIndex;
    }

    /** Buffer index of the first payload byte. */
    public int payloadIndex() {
        return payloadIndex;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /**
     * The folded ones' complement sum of the payload, computed while verifying the UDP checksum, or
     * {@link #NO_PAYLOAD_SUM} when the checksum was not verified (policy {@code IGNORE}, or a sender that sent
     * none). Lets a reply that only rearranges the payload get its checksum without reading the payload again.
     */
    public int payloadSum() {
        return payloadSum;
    }
}
