package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
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
}
