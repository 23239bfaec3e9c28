package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
    @Test
    void rfc1071Example() {
        byte[] bytes = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0xddf2, Checksums.fold(Checksums.sum(new UnsafeBuffer(bytes), 0, bytes.length, 0)));
    }

    @Property
    void sumMatchesByteByByteReference(@ForAll @Size(max = 3000) byte[] bytes, @ForAll @IntRange(max = 7) int skip) {
        int from = Math.min(skip, bytes.length);
        int length = bytes.length - from;
        int expected = ReferenceChecksum.onesComplementSum(bytes, from, length, 0);
        assertEquals(expected, Checksums.fold(Checksums.sum(new UnsafeBuffer(bytes), from, length, 0)));
        UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length + 1));
        offHeap.putBytes(1, bytes);
        assertEquals(expected, Checksums.fold(Checksums.sum(offHeap, from + 1, length, 0)), "off-heap, unaligned");
    }

    @Property
    void headerWithItsChecksumVerifies(@ForAll @Size(value = 20) byte[] header) {
        UnsafeBuffer buffer = new UnsafeBuffer(header);
        new Ipv4Flyweight().wrap(buffer, 0).updateChecksum();
        assertEquals(0xFFFF, Checksums.fold(Checksums.sum(buffer, 0, 20, 0)));
    }

    @Property
    void writtenDatagramVerifiesAndACorruptedOneDoesNot(@ForAll @Size(min = 1, max = 1472) byte[] payload,
                                                        @ForAll @IntRange(max = 1471) int corrupt) {
        UnsafeBuffer frame = Frames.clientToServer(payload);
        int udp = Frames.frameIndex() + 34;
        int udpLength = payload.length + 8;
        assertTrue(Checksums.udpVerifies(frame, udp, udpLength, Frames.CLIENT_IP, Frames.SERVER_IP));
        int at = udp + 8 + corrupt % payload.length;
        frame.putByte(at, (byte) (frame.getByte(at) ^ 0x10));
        assertFalse(Checksums.udpVerifies(frame, udp, udpLength, Frames.CLIENT_IP, Frames.SERVER_IP));
    }
}
