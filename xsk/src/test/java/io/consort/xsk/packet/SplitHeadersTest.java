package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Headers written apart from their payload (the first descriptor of a two-descriptor packet) are byte for byte
 * the headers written in front of it, UDP checksum included; and writing them twice for one destination stores
 * the same bytes, as sending a frame again while it is in flight relies on.
 */
class SplitHeadersTest {
    private static final int HEADROOM = 128;

    @Property
    void headersApartFromThePayloadAreTheHeadersInFrontOfIt(@ForAll @Size(max = 1472) byte[] payload,
                                                            @ForAll int destinationIp,
                                                            @ForAll @IntRange(max = 0xFFFF) int destinationPort,
                                                            @ForAll boolean udpChecksum) {
        UnsafeBuffer together = new UnsafeBuffer(new byte[HEADROOM + payload.length]);
        together.putBytes(HEADROOM, payload);
        UdpFrameWriter writer = new UdpFrameWriter(0x0277_0000_0201L, 0x0A4D_0201, 7100).udpChecksum(udpChecksum);
        int frame = writer.write(together, HEADROOM, payload.length, 0x0277_0000_0202L, destinationIp, destinationPort);
        byte[] first = new byte[UdpFrameWriter.HEADERS_LENGTH];
        together.getBytes(frame, first);

        UnsafeBuffer apart = new UnsafeBuffer(new byte[64 + UdpFrameWriter.HEADERS_LENGTH]);
        writer.writeHeaders(apart, 64, together, HEADROOM, payload.length, 0x0277_0000_0202L, destinationIp,
            destinationPort);
        byte[] split = new byte[UdpFrameWriter.HEADERS_LENGTH];
        apart.getBytes(64, split);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(split));

        writer.write(together, HEADROOM, payload.length, 0x0277_0000_0202L, destinationIp, destinationPort);
        byte[] again = new byte[UdpFrameWriter.HEADERS_LENGTH];
        together.getBytes(frame, again);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(again));
    }
}
