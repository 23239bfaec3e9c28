package io.consort.xsk.packet;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over an IPv4 header without options (IHL 5, 20 bytes), the only kind Consort sends or accepts.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |   DSCP/ECN    |         Total Length          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|    Fragment Offset      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |        Header Checksum        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Flyweight {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int DSCP_ECN_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int HEADER_LENGTH = 20;

    /** Version 4, IHL 5 words: a header without options. */
    public static final int VERSION_IHL_NO_OPTIONS = 0x45;
    public static final int PROTOCOL_UDP = 17;
    /** Don't Fragment flag in the flags/fragment-offset field. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    public static final int DEFAULT_TTL = 64;

    private MutableDirectBuffer buffer;
    private int index;

    public Ipv4Flyweight wrap(MutableDirectBuffer buffer, int index) {
        this.buffer = buffer;
        this.index = index;
        return this;
    }

    public int versionIhl() {
        return buffer.getByte(index + VERSION_IHL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight versionIhl(int value) {
        buffer.putByte(index + VERSION_IHL_OFFSET, (byte) value);
        return this;
    }

    public Ipv4Flyweight dscpEcn(int value) {
        buffer.putByte(index + DSCP_ECN_OFFSET, (byte) value);
        return this;
    }

    public int totalLength() {
        return buffer.getShort(index + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight totalLength(int length) {
        buffer.putShort(index + TOTAL_LENGTH_OFFSET, (short) length, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Flyweight identification(int id) {
        buffer.putShort(index + IDENTIFICATION_OFFSET, (short) id, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int flagsFragment() {
        return buffer.getShort(index + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight flagsFragment(int value) {
        buffer.putShort(index + FLAGS_FRAGMENT_OFFSET, (short) value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int ttl() {
        return buffer.getByte(index + TTL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight ttl(int ttl) {
        buffer.putByte(index + TTL_OFFSET, (byte) ttl);
        return this;
    }

    public int protocol() {
        return buffer.getByte(index + PROTOCOL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight protocol(int protocol) {
        buffer.putByte(index + PROTOCOL_OFFSET, (byte) protocol);
        return this;
    }

    public int checksum() {
        return buffer.getShort(index + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight checksum(int checksum) {
        buffer.putShort(index + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int source() {
        return buffer.getInt(index + SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Flyweight source(int address) {
        buffer.putInt(index + SOURCE_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int destination() {
        return buffer.getInt(index + DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Flyweight destination(int address) {
        buffer.putInt(index + DESTINATION_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Zeroes the checksum field, computes the header checksum and stores it. */
    public Ipv4Flyweight updateChecksum() {
        checksum(0);
        return checksum(Checksums.ipv4Header(buffer, index, HEADER_LENGTH));
    }
}
