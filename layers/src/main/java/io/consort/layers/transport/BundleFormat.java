package io.consort.layers.transport;

import io.consort.layers.wire.WireIds;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The wire format of a bundle: several Consort packets to one destination in one datagram.
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+---------------+---------------+
 * |  magic 0xB5   |   version 1   |         packet count          |
 * +---------------+---------------+---------------+---------------+
 * |         bundle length         |          reserved (0)         |
 * +---------------+---------------+---------------+---------------+
 * |        packet 1 length        |          reserved (0)         |
 * +---------------+---------------+---------------+---------------+
 * |  packet 1: a whole Consort packet, bottom header first ...    |
 * |                               +---------------+---------------+
 * |  ...                          | padding to a 4-byte boundary  |
 * +---------------+---------------+---------------+---------------+
 * |        packet 2 length        |          reserved (0)         |
 * +---------------+---------------+---------------+---------------+
 * |  packet 2 ...                                                 |
 * </pre>
 *
 * <p>The magic differs from the bottom header's (0xC5) in the same first byte, so a receiver tells a bundle from
 * a lone packet by one byte. The bundle length covers the whole datagram and catches truncation. Packets start
 * on 4-byte boundaries behind a 4-byte entry header: a layer that re-sends a received payload (mnak's repair)
 * pushes its header in front of the payload, where the packet's own spent headers are, and may overrun them by
 * a byte or two; the entry header absorbs that, so it never reaches the packet before. Little-endian, as every
 * Consort header.
 */
public final class BundleFormat {
    public static final byte MAGIC = (byte) 0xB5;
    public static final byte VERSION = 1;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 1;
    public static final int COUNT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;
    public static final int ENTRY_HEADER_LENGTH = 4;
    public static final int ALIGNMENT = 4;

    private BundleFormat() {
    }

    public static boolean isBundle(DirectBuffer buffer, int at, int length) {
        return length >= 1 && buffer.getByte(at + MAGIC_OFFSET) == MAGIC;
    }

    public static void writeHeader(MutableDirectBuffer buffer, int at, int count, int length) {
        buffer.putByte(at + MAGIC_OFFSET, MAGIC);
        buffer.putByte(at + VERSION_OFFSET, VERSION);
        buffer.putShort(at + COUNT_OFFSET, (short) count, WireIds.ORDER);
        buffer.putShort(at + LENGTH_OFFSET, (short) length, WireIds.ORDER);
        buffer.putShort(at + LENGTH_OFFSET + 2, (short) 0, WireIds.ORDER);
    }

    public static int version(DirectBuffer buffer, int at) {
        return buffer.getByte(at + VERSION_OFFSET);
    }

    public static int count(DirectBuffer buffer, int at) {
        return buffer.getShort(at + COUNT_OFFSET, WireIds.ORDER) & 0xFFFF;
    }

    public static int length(DirectBuffer buffer, int at) {
        return buffer.getShort(at + LENGTH_OFFSET, WireIds.ORDER) & 0xFFFF;
    }

    public static void writeEntry(MutableDirectBuffer buffer, int at, int packetLength) {
        buffer.putShort(at, (short) packetLength, WireIds.ORDER);
        buffer.putShort(at + 2, (short) 0, WireIds.ORDER);
    }

    public static int entryLength(DirectBuffer buffer, int at) {
        return buffer.getShort(at, WireIds.ORDER) & 0xFFFF;
    }

    /** Bytes an entry of a {@code packetLength}-byte packet takes, header and padding included. */
    public static int entrySize(int packetLength) {
        return ENTRY_HEADER_LENGTH + (packetLength + ALIGNMENT - 1 & -ALIGNMENT);
    }
}
