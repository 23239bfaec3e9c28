package io.consort.xsk.packet;

import org.agrona.concurrent.UnsafeBuffer;

/** Builds test frames: a valid UDP frame whose fields tests then corrupt. */
final class Frames {
    static final long CLIENT_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final long SERVER_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final int CLIENT_IP = Ipv4Address.parse("10.77.0.1");
    static final int SERVER_IP = Ipv4Address.parse("10.77.0.2");
    static final int CLIENT_PORT = 40000;
    static final int SERVER_PORT = 7000;
    static final int HEADROOM = 64;

    private Frames() {
    }

    /** A buffer with a frame from client to server carrying {@code payload} at {@link #HEADROOM}. */
    static UnsafeBuffer clientToServer(byte[] payload) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADROOM + payload.length + 16]);
        buffer.putBytes(HEADROOM, payload);
        new UdpFrameWriter(CLIENT_MAC, CLIENT_IP, CLIENT_PORT)
            .write(buffer, HEADROOM, payload.length, SERVER_MAC, SERVER_IP, SERVER_PORT);
        return buffer;
    }

    static int frameIndex() {
        return HEADROOM - UdpFrameWriter.HEADERS_LENGTH;
    }

    static UdpFrameParser serverParser() {
        return new UdpFrameParser().localMac(SERVER_MAC).localIp(SERVER_IP).ports(SERVER_PORT, SERVER_PORT);
    }

    static UdpFrameParser clientParser() {
        return new UdpFrameParser().localMac(CLIENT_MAC).localIp(CLIENT_IP).ports(CLIENT_PORT, CLIENT_PORT);
    }
}
