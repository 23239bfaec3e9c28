package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Every rejection reason, each produced by corrupting one field of a valid frame. */
class MalformedFrameTest {
    private static final byte[] PAYLOAD = "a request for the function invoker".getBytes();
    private static final int LENGTH = 42 + PAYLOAD.length;
    private static final int ETH = Frames.frameIndex();
    private static final int IP = ETH + 14;
    private static final int UDP = IP + 20;

    private final UnsafeBuffer frame = Frames.clientToServer(PAYLOAD);
    private final UdpFrameParser parser = Frames.serverParser();

    private ParseResult parse() {
        return parser.parse(frame, ETH, LENGTH);
    }

    private void fixIpChecksum() {
        new Ipv4Flyweight().wrap(frame, IP).updateChecksum();
    }

    @Test
    void validFrameIsAccepted() {
        assertEquals(ParseResult.OK, parse());
    }

    @Test
    void truncated() {
        assertEquals(ParseResult.TRUNCATED, parser.parse(frame, ETH, 13));
        assertEquals(ParseResult.TRUNCATED, parser.parse(frame, ETH, 30));
        assertEquals(ParseResult.TRUNCATED, parser.parse(frame, ETH, LENGTH - 1));
    }

    @Test
    void oversized() {
        parser.maxFrameLength(LENGTH - 1);
        assertEquals(ParseResult.OVERSIZED, parse());
    }

    @Test
    void notIpv4() {
        frame.putShort(ETH + 12, (short) 0x0806, ByteOrder.BIG_ENDIAN);
        assertEquals(ParseResult.NOT_IPV4, parse());
    }

    @Test
    void badVersion() {
        frame.putByte(IP, (byte) 0x65);
        fixIpChecksum();
        assertEquals(ParseResult.BAD_IP_HEADER, parse());
    }

    @Test
    void ihlBelowFive() {
        frame.putByte(IP, (byte) 0x44);
        assertEquals(ParseResult.BAD_IP_HEADER, parse());
    }

    @Test
    void optionsBearing() {
        frame.putByte(IP, (byte) 0x46);
        assertEquals(ParseResult.IP_OPTIONS, parse());
    }

    @Test
    void ipLengthTooSmall() {
        new Ipv4Flyweight().wrap(frame, IP).totalLength(27);
        fixIpChecksum();
        assertEquals(ParseResult.BAD_IP_LENGTH, parse());
    }

    @Test
    void fragments() {
        new Ipv4Flyweight().wrap(frame, IP).flagsFragment(Ipv4Flyweight.FLAG_MORE_FRAGMENTS);
        fixIpChecksum();
        assertEquals(ParseResult.IP_FRAGMENT, parse());
        new Ipv4Flyweight().wrap(frame, IP).flagsFragment(185);
        fixIpChecksum();
        assertEquals(ParseResult.IP_FRAGMENT, parse());
    }

    @Test
    void wrongIpChecksum() {
        frame.putByte(IP + 8, (byte) 3);
        assertEquals(ParseResult.BAD_IP_CHECKSUM, parse());
    }

    @Test
    void notUdp() {
        new Ipv4Flyweight().wrap(frame, IP).protocol(6);
        fixIpChecksum();
        assertEquals(ParseResult.NOT_UDP, parse());
    }

    @Test
    void udpLengthDisagreesWithIp() {
        new UdpFlyweight().wrap(frame, UDP).length(8 + PAYLOAD.length - 1);
        assertEquals(ParseResult.BAD_UDP_LENGTH, parse());
    }

    @Test
    void wrongUdpChecksum() {
        frame.putByte(UDP + 8, (byte) (frame.getByte(UDP + 8) ^ 1));
        assertEquals(ParseResult.BAD_UDP_CHECKSUM, parse());
        parser.checksumPolicy(UdpChecksumPolicy.VERIFY_OR_PARTIAL);
        assertEquals(ParseResult.BAD_UDP_CHECKSUM, parse());
        parser.checksumPolicy(UdpChecksumPolicy.IGNORE);
        assertEquals(ParseResult.OK, parse());
    }

    @Test
    void checksumPartialFromLocalKernelIsAPolicy() {
        int udpLength = 8 + PAYLOAD.length;
        new UdpFlyweight().wrap(frame, UDP).checksum(Checksums.udpPartial(Frames.CLIENT_IP, Frames.SERVER_IP, udpLength));
        assertEquals(ParseResult.BAD_UDP_CHECKSUM, parse());
        parser.checksumPolicy(UdpChecksumPolicy.VERIFY_OR_PARTIAL);
        assertEquals(ParseResult.OK, parse());
    }

    @Test
    void zeroUdpChecksumMeansNone() {
        new UdpFlyweight().wrap(frame, UDP).checksum(0);
        assertEquals(ParseResult.OK, parse());
    }

    @Test
    void notForUs() {
        assertEquals(ParseResult.WRONG_MAC, Frames.clientParser().parse(frame, ETH, LENGTH));
        assertEquals(ParseResult.WRONG_IP, new UdpFrameParser().localIp(Frames.CLIENT_IP).parse(frame, ETH, LENGTH));
        assertEquals(ParseResult.WRONG_PORT, new UdpFrameParser().ports(1, 6999).parse(frame, ETH, LENGTH));
        assertEquals(ParseResult.WRONG_MAC, parser.parse(broadcastCopy(), ETH, LENGTH));
    }

    private UnsafeBuffer broadcastCopy() {
        new EthernetFlyweight().wrap(frame, ETH).destination(MacAddress.BROADCAST);
        return frame;
    }

    @Test
    void vlanTaggedFrameIsParsed() {
        UnsafeBuffer tagged = new UnsafeBuffer(new byte[LENGTH + 4]);
        tagged.putBytes(0, frame, ETH, 12);
        tagged.putShort(12, (short) 0x8100, ByteOrder.BIG_ENDIAN);
        tagged.putShort(14, (short) 0x2123, ByteOrder.BIG_ENDIAN);
        tagged.putBytes(16, frame, ETH + 12, LENGTH - 12);
        assertEquals(ParseResult.OK, parser.parse(tagged, 0, LENGTH + 4));
        assertEquals(0x123, parser.vlanId());
        assertEquals(42 + 4, parser.payloadIndex());
        assertEquals(ParseResult.TRUNCATED, parser.parse(tagged, 0, 17));
        tagged.putShort(16, (short) 0x8100, ByteOrder.BIG_ENDIAN);
        assertEquals(ParseResult.NOT_IPV4, parser.parse(tagged, 0, LENGTH + 4));
    }

    @Test
    void ethernetPaddingIsAllowed() {
        byte[] tiny = {1, 2};
        UnsafeBuffer padded = new UnsafeBuffer(new byte[Frames.HEADROOM + 32]);
        padded.putBytes(Frames.HEADROOM, tiny);
        new UdpFrameWriter(Frames.CLIENT_MAC, Frames.CLIENT_IP, 1)
            .write(padded, Frames.HEADROOM, tiny.length, Frames.SERVER_MAC, Frames.SERVER_IP, Frames.SERVER_PORT);
        assertEquals(ParseResult.OK, parser.parse(padded, ETH, 60));
        assertEquals(2, parser.payloadLength());
    }

    @Test
    void countsPerReason() {
        ParseCounts counts = new ParseCounts();
        counts.count(parse());
        counts.count(parser.parse(frame, ETH, 10));
        counts.count(parser.parse(frame, ETH, 10));
        assertEquals(1, counts.get(ParseResult.OK));
        assertEquals(2, counts.get(ParseResult.TRUNCATED));
        assertEquals(2, counts.rejected());
        assertEquals("truncated=2", counts.describeRejections());
    }
}
