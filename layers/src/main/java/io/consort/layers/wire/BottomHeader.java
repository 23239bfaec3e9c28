package io.consort.layers.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header every Consort packet starts with, written by the bottom layer.
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+---------------+---------------+
 * |  magic 0xC5   |    version    |     kind      |  source rank  |
 * +---------------+---------------+---------------+---------------+
 * |          header bits          |         packet length         |
 * +---------------+---------------+---------------+---------------+
 * |                           group id                            |
 * +---------------+---------------+---------------+---------------+
 * |                       stack fingerprint                       |
 * +---------------+---------------+---------------+---------------+
 * |                    view stamp: logical time                   |
 * +---------------+---------------+---------------+---------------+
 * |                 view stamp: coordinator stamp                 |
 * +---------------+---------------+---------------+---------------+
 * </pre>
 *
 * <p>Header bits say which layers pushed a header (bit i: the layer at stack index i); a layer with nothing to
 * say pushes nothing, so a small multicast carries this header and mnak's 5 bytes: 29 bytes in all. The packet
 * length covers the whole packet and catches truncation; the fingerprint identifies the stack's layer order.
 * The view stamp names the sender's view ({@link io.consort.layers.runtime.ViewId}): a cast or send is taken
 * only in the view it was sent in, where the source rank means the member it meant. Membership messages
 * ({@link WireIds#KIND_MEMBERSHIP}) travel between views; their body starts with the sender's endpoint:
 * address(2) incarnation(4).
 */
public final class BottomHeader {
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 1;
    public static final int KIND_OFFSET = 2;
    public static final int SOURCE_OFFSET = 3;
    public static final int HEADER_BITS_OFFSET = 4;
    public static final int LENGTH_OFFSET = 6;
    public static final int GROUP_OFFSET = 8;
    public static final int FINGERPRINT_OFFSET = 12;
    public static final int VIEW_TIME_OFFSET = 16;
    public static final int VIEW_COORDINATOR_OFFSET = 20;
    public static final int LENGTH = 24;
    /** The sender's endpoint at the start of a membership message's body. */
    public static final int ENDPOINT_LENGTH = 6;

    private BottomHeader() {
    }

    public static void write(MutableDirectBuffer buffer, int at, byte kind, int source, int headerBits,
                             int packetLength, int group, int fingerprint, long viewTime, int viewCoordinator) {
        buffer.putByte(at + MAGIC_OFFSET, WireIds.MAGIC);
        buffer.putByte(at + VERSION_OFFSET, WireIds.VERSION);
        buffer.putByte(at + KIND_OFFSET, kind);
        buffer.putByte(at + SOURCE_OFFSET, (byte) source);
        buffer.putShort(at + HEADER_BITS_OFFSET, (short) headerBits, WireIds.ORDER);
        buffer.putShort(at + LENGTH_OFFSET, (short) packetLength, WireIds.ORDER);
        buffer.putInt(at + GROUP_OFFSET, group, WireIds.ORDER);
        buffer.putInt(at + FINGERPRINT_OFFSET, fingerprint, WireIds.ORDER);
        buffer.putInt(at + VIEW_TIME_OFFSET, (int) viewTime, WireIds.ORDER);
        buffer.putInt(at + VIEW_COORDINATOR_OFFSET, viewCoordinator, WireIds.ORDER);
    }

    public static long viewTime(DirectBuffer buffer, int at) {
        return buffer.getInt(at + VIEW_TIME_OFFSET, WireIds.ORDER) & 0xFFFF_FFFFL;
    }

    public static int viewCoordinator(DirectBuffer buffer, int at) {
        return buffer.getInt(at + VIEW_COORDINATOR_OFFSET, WireIds.ORDER);
    }

    public static byte magic(DirectBuffer buffer, int at) {
        return buffer.getByte(at + MAGIC_OFFSET);
    }

    public static byte version(DirectBuffer buffer, int at) {
        return buffer.getByte(at + VERSION_OFFSET);
    }

    public static byte kind(DirectBuffer buffer, int at) {
        return buffer.getByte(at + KIND_OFFSET);
    }

    public static int source(DirectBuffer buffer, int at) {
        return buffer.getByte(at + SOURCE_OFFSET) & 0xFF;
    }

    public static int headerBits(DirectBuffer buffer, int at) {
        return buffer.getShort(at + HEADER_BITS_OFFSET, WireIds.ORDER) & 0xFFFF;
    }

    public static int packetLength(DirectBuffer buffer, int at) {
        return buffer.getShort(at + LENGTH_OFFSET, WireIds.ORDER) & 0xFFFF;
    }

    public static int group(DirectBuffer buffer, int at) {
        return buffer.getInt(at + GROUP_OFFSET, WireIds.ORDER);
    }

    public static int fingerprint(DirectBuffer buffer, int at) {
        return buffer.getInt(at + FINGERPRINT_OFFSET, WireIds.ORDER);
    }
}
