package io.consort.xsk.packet;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over a UDP header (RFC 768).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Length (header+data)      |  Checksum (0 = none, IPv4)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UdpFlyweight {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    private MutableDirectBuffer buffer;
    private int index;

    public UdpFlyweight wrap(MutableDirectBuffer buffer, int index) {
        this.buffer = buffer;
        this.index = index;
        return this;
    }

    public int sourcePort() {
        return buffer.getShort(index + SOURCE_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight sourcePort(int port) {
        buffer.putShort(index + SOURCE_PORT_OFFSET, (short) port, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int destinationPort() {
        return buffer.getShort(index + DESTINATION_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight destinationPort(int port) {
        buffer.putShort(index + DESTINATION_PORT_OFFSET, (short) port, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int length() {
        return buffer.getShort(index + LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight length(int length) {
        buffer.putShort(index + LENGTH_OFFSET, (short) length, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int checksum() {
        return buffer.getShort(index + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight checksum(int checksum) {
        buffer.putShort(index + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Zeroes the checksum field, then computes and stores the checksum over header, payload and pseudo header. */
    public UdpFlyweight updateChecksum(int sourceIp, int destinationIp) {
        checksum(0);
        return checksum(Checksums.udp(buffer, index, length(), sourceIp, destinationIp));
    }
}
