package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

class EchoReplyTest {
    @Property
    void reversesLikeTheThesisFunction(@ForAll @Size(max = 1500) byte[] payload) {
        UnsafeBuffer buffer = new UnsafeBuffer(payload.clone());
        EchoReply.reversePayload(buffer, 0, payload.length);
        byte[] expected = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            expected[i] = payload[payload.length - 1 - i];
        }
        assertArrayEquals(expected, buffer.byteArray());
    }

    @Property
    void replyGoesBackToTheClient(@ForAll @Size(max = 1472) byte[] payload, @ForAll boolean udpChecksum) {
        UnsafeBuffer frame = Frames.clientToServer(payload);
        UdpFrameParser server = Frames.serverParser();
        int length = 42 + payload.length;
        assertEquals(ParseResult.OK, server.parse(frame, Frames.frameIndex(), length));
        EchoReply.turnAround(frame, Frames.frameIndex(), server, udpChecksum);

        UdpFrameParser client = Frames.clientParser();
        assertEquals(ParseResult.OK, client.parse(frame, Frames.frameIndex(), length));
        assertEquals(Frames.SERVER_MAC, client.sourceMac());
        assertEquals(Frames.SERVER_IP, client.sourceIp());
        assertEquals(Frames.SERVER_PORT, client.sourcePort());
        byte[] reply = new byte[client.payloadLength()];
        frame.getBytes(client.payloadIndex(), reply);
        EchoReply.reversePayload(new UnsafeBuffer(reply), 0, reply.length);
        assertArrayEquals(payload, reply);
    }

    /**
     * The reply's checksums are the ones a from-scratch reference computes: the UDP one whether derived from the
     * payload sum the parser kept while verifying or computed over the reversed payload, also with a kernel
     * sender's unfinished (CHECKSUM_PARTIAL) checksum in the request; the IP one updated from the request's for
     * any request TTL.
     */
    @Property
    void replyChecksumMatchesTheReference(@ForAll @Size(max = 1472) byte[] payload,
                                          @ForAll UdpChecksumPolicy policy, @ForAll boolean partialRequest,
                                          @ForAll @IntRange(min = 1, max = 65535) int clientPort,
                                          @ForAll @IntRange(min = 1, max = 255) int requestTtl) {
        UnsafeBuffer frame = new UnsafeBuffer(new byte[Frames.HEADROOM + payload.length + 16]);
        frame.putBytes(Frames.HEADROOM, payload);
        new UdpFrameWriter(Frames.CLIENT_MAC, Frames.CLIENT_IP, clientPort).ttl(requestTtl)
            .write(frame, Frames.HEADROOM, payload.length, Frames.SERVER_MAC, Frames.SERVER_IP, Frames.SERVER_PORT);
        int ip = Frames.frameIndex() + 14;
        int udp = ip + 20;
        int udpLength = payload.length + 8;
        if (partialRequest) {
            frame.putShort(udp + 6, (short) Checksums.udpPartial(Frames.CLIENT_IP, Frames.SERVER_IP, udpLength),
                ByteOrder.BIG_ENDIAN);
        }
        UdpFrameParser server = Frames.serverParser().checksumPolicy(policy);
        ParseResult result = server.parse(frame, Frames.frameIndex(), 42 + payload.length);
        if (result != ParseResult.OK) {
            assertEquals(UdpChecksumPolicy.VERIFY, policy, "only strict verification refuses these requests");
            return;
        }
        EchoReply.turnAround(frame, Frames.frameIndex(), server, true);
        byte[] bytes = frame.byteArray();
        assertEquals(ReferenceChecksum.udp(bytes, ip, udp, udpLength), u16(frame, udp + 6));
        assertEquals(ReferenceChecksum.ipv4Header(bytes, ip), u16(frame, ip + 10));
    }

    private static int u16(UnsafeBuffer buffer, int index) {
        return buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }
}
