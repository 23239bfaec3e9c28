package io.consort.xsk.packet;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Turns a received UDP/IPv4 frame into its reply in place: the thesis's function invoker (reverse the payload,
 * first byte with last and so on), addresses and ports swapped, checksums recomputed. The UDP checksum must be
 * recomputed, not kept: the payload changed, and a request from a local kernel socket may carry an unfinished
 * (CHECKSUM_PARTIAL) one.
 */
public final class EchoReply {
    private EchoReply() {
    }

    /** Reverses the {@code length} bytes at {@code index} (the thesis's {@code reversePayload}). */
    public static void reversePayload(MutableDirectBuffer buffer, int index, int length) {
        buffer.boundsCheck(index, length);
        byte[] array = buffer.byteArray();
        long low = buffer.addressOffset() + index;
        long high = low + length - 1;
        // Eight bytes from each end per step while they do not overlap, then byte by byte in the middle; one
        // bounds check for the whole range.
        while (high - low >= 15) {
            long a = UnsafeApi.getLong(array, low);
            long b = UnsafeApi.getLong(array, high - 7);
            UnsafeApi.putLong(array, low, Long.reverseBytes(b));
            UnsafeApi.putLong(array, high - 7, Long.reverseBytes(a));
            low += 8;
            high -= 8;
        }
        while (low < high) {
            byte a = UnsafeApi.getByte(array, low);
            UnsafeApi.putByte(array, low, UnsafeApi.getByte(array, high));
            UnsafeApi.putByte(array, high, a);
            low++;
            high--;
        }
    }

    /**
     * Rewrites the frame that {@code parser} just accepted (result {@link ParseResult#OK}) into its reply: payload
     * reversed, Ethernet source and destination swapped (the reply leaves from the MAC it arrived at), IP and
     * ports swapped, IP TTL reset, both checksums recomputed (UDP checksum 0 when {@code udpChecksum} is false).
     * When the parser verified the request's checksum, the payload's sum it kept gives the reply's checksum
     * without a second pass over the payload.
     */
    public static void turnAround(MutableDirectBuffer buffer, int frameIndex, UdpFrameParser parser,
                                  boolean udpChecksum) {
        reversePayload(buffer, parser.payloadIndex(), parser.payloadLength());
        EthernetFlyweight.writeMac(buffer, frameIndex + EthernetFlyweight.DESTINATION_OFFSET, parser.sourceMac());
        EthernetFlyweight.writeMac(buffer, frameIndex + EthernetFlyweight.SOURCE_OFFSET, parser.destinationMac());
        int ip = parser.ipIndex();
        // The new IP checksum is the verified old one updated for the TTL (RFC 1624, eqn. 3; swapping addresses
        // leaves the sum alone), read before any write: re-reading the header just written in narrower stores
        // would stall on store forwarding.
        int ttlProtocol = buffer.getShort(ip + Ipv4Flyweight.TTL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int oldChecksum = buffer.getShort(ip + Ipv4Flyweight.CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int newTtlProtocol = (Ipv4Flyweight.DEFAULT_TTL << 8) | (ttlProtocol & 0xFF);
        int ipChecksum = ~Checksums.fold((~oldChecksum & 0xFFFF) + (~ttlProtocol & 0xFFFF) + newTtlProtocol) & 0xFFFF;
        buffer.putInt(ip + Ipv4Flyweight.SOURCE_OFFSET, parser.destinationIp(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(ip + Ipv4Flyweight.DESTINATION_OFFSET, parser.sourceIp(), ByteOrder.BIG_ENDIAN);
        buffer.putShort(ip + Ipv4Flyweight.TTL_OFFSET, (short) newTtlProtocol, ByteOrder.BIG_ENDIAN);
        buffer.putShort(ip + Ipv4Flyweight.CHECKSUM_OFFSET, (short) ipChecksum, ByteOrder.BIG_ENDIAN);
        int udp = parser.udpIndex();
        int udpLength = parser.payloadLength() + UdpFlyweight.HEADER_LENGTH;
        buffer.putShort(udp + UdpFlyweight.SOURCE_PORT_OFFSET, (short) parser.destinationPort(), ByteOrder.BIG_ENDIAN);
        buffer.putShort(udp + UdpFlyweight.DESTINATION_PORT_OFFSET, (short) parser.sourcePort(), ByteOrder.BIG_ENDIAN);
        buffer.putShort(udp + UdpFlyweight.CHECKSUM_OFFSET, (short) 0);
        if (udpChecksum) {
            int payloadSum = parser.payloadSum();
            int checksum = payloadSum == UdpFrameParser.NO_PAYLOAD_SUM
                ? Checksums.udp(buffer, udp, udpLength, parser.destinationIp(), parser.sourceIp())
                : Checksums.udpFromParts(parser.destinationIp(), parser.sourceIp(), parser.destinationPort(),
                    parser.sourcePort(), udpLength, reversedSum(payloadSum, parser.payloadLength()));
            buffer.putShort(udp + UdpFlyweight.CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        }
    }

    /**
     * The ones' complement sum of a payload after {@link #reversePayload}, from the sum before it. Reversing an
     * even number of bytes turns every 16-bit word into its byte-swapped twin, and the ones' complement sum of
     * byte-swapped words is the byte-swapped sum (RFC 1071, 2(B)). With an odd count the high bytes of words stay
     * high and the low bytes stay low (the padding zero moves from the last word's low byte to the first
     * word's), so the sum is unchanged.
     */
    static int reversedSum(int sum, int length) {
        return (length & 1) == 0 ? ((sum & 0xFF) << 8) | (sum >>> 8) : sum;
    }
}
