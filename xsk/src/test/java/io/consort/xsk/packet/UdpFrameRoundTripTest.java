package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

class UdpFrameRoundTripTest {
    private static final int HEADROOM = 128;

    @Property
    void unicastRoundTrip(@ForAll @Size(max = 1472) byte[] payload,
                          @ForAll @LongRange(max = 0xFEFF_FFFF_FFFFL) long sourceMac,
                          @ForAll("unicastMac") long destinationMac,
                          @ForAll int sourceIp, @ForAll("unicastIp") int destinationIp,
                          @ForAll @IntRange(max = 0xFFFF) int sourcePort,
                          @ForAll @IntRange(max = 0xFFFF) int destinationPort,
                          @ForAll boolean udpChecksum) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADROOM + payload.length]);
        buffer.putBytes(HEADROOM, payload);
        int frame = new UdpFrameWriter(sourceMac, sourceIp, sourcePort).udpChecksum(udpChecksum)
            .write(buffer, HEADROOM, payload.length, destinationMac, destinationIp, destinationPort);
        assertEquals(HEADROOM - 42, frame);

        UdpFrameParser parser = new UdpFrameParser().localMac(destinationMac).localIp(destinationIp)
            .ports(destinationPort, destinationPort);
        assertEquals(ParseResult.OK, parser.parse(buffer, frame, 42 + payload.length));
        assertEquals(sourceMac, parser.sourceMac());
        assertEquals(destinationMac, parser.destinationMac());
        assertEquals(sourceIp, parser.sourceIp());
        assertEquals(destinationIp, parser.destinationIp());
        assertEquals(sourcePort, parser.sourcePort());
        assertEquals(destinationPort, parser.destinationPort());
        assertEquals(-1, parser.vlanId());
        assertEquals(HEADROOM, parser.payloadIndex());
        byte[] received = new byte[parser.payloadLength()];
        buffer.getBytes(parser.payloadIndex(), received);
        assertArrayEquals(payload, received);

        byte[] bytes = buffer.byteArray();
        int ip = frame + 14;
        assertEquals(ReferenceChecksum.ipv4Header(bytes, ip), buffer.getShort(ip + 10, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
        int expectedUdp = udpChecksum ? ReferenceChecksum.udp(bytes, ip, ip + 20, 8 + payload.length) : 0;
        assertEquals(expectedUdp, buffer.getShort(ip + 26, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }

    @Property
    void multicastGoesToTheGroupMac(@ForAll @Size(max = 1472) byte[] payload,
                                    @ForAll @IntRange(max = 0xFF_FFFF) int groupLowBits) {
        int group = 0xEF00_0000 | groupLowBits;
        long mac = new StaticNeighbours().macOf(group);
        assertEquals(0x0100_5E00_0000L | (groupLowBits & 0x7F_FFFF), mac);

        UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADROOM + payload.length]);
        buffer.putBytes(HEADROOM, payload);
        int frame = new UdpFrameWriter(Frames.CLIENT_MAC, Frames.CLIENT_IP, 1).ttl(1)
            .write(buffer, HEADROOM, payload.length, mac, group, 5000);
        UdpFrameParser member = new UdpFrameParser().localMac(Frames.SERVER_MAC).localIp(Frames.SERVER_IP)
            .joinGroup(group);
        assertEquals(ParseResult.OK, member.parse(buffer, frame, 42 + payload.length));
        assertEquals(group, member.destinationIp());
        UdpFrameParser outsider = new UdpFrameParser().localMac(Frames.SERVER_MAC).localIp(Frames.SERVER_IP);
        assertEquals(ParseResult.WRONG_MAC, outsider.parse(buffer, frame, 42 + payload.length));
    }

    @Provide
    Arbitrary<Long> unicastMac() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFF_FFFFL).map(mac -> mac & ~0x0100_0000_0000L);
    }

    @Provide
    Arbitrary<Integer> unicastIp() {
        return Arbitraries.integers().filter(ip -> !Ipv4Address.isMulticast(ip) && ip != 0);
    }
}
