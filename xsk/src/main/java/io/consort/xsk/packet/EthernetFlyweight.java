package io.consort.xsk.packet;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over an Ethernet II header, optionally followed by one 802.1Q VLAN tag.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination MAC (6 bytes)                  |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                      Source MAC (6 bytes)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   EtherType (0x0800 IPv4)     |  with 802.1Q: TPID 0x8100, then
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  PCP/DEI/VLAN id (2), EtherType (2)
 * </pre>
 *
 * Wrap once, re-point with {@link #wrap} per frame; nothing is allocated.
 */
public final class EthernetFlyweight {
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;
    /** Offset of the tag control information (PCP, DEI, VLAN id) when {@link #ETHER_TYPE_OFFSET} holds a TPID. */
    public static final int VLAN_TCI_OFFSET = 14;
    /** Offset of the inner EtherType when the frame is VLAN-tagged. */
    public static final int VLAN_ETHER_TYPE_OFFSET = 16;
    public static final int VLAN_TAG_LENGTH = 4;

    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_VLAN = 0x8100;
    public static final int ETHER_TYPE_QINQ = 0x88A8;

    private MutableDirectBuffer buffer;
    private int index;

    public EthernetFlyweight wrap(MutableDirectBuffer buffer, int index) {
        this.buffer = buffer;
        this.index = index;
        return this;
    }

    public long destination() {
        return readMac(buffer, index + DESTINATION_OFFSET);
    }

    public EthernetFlyweight destination(long mac) {
        writeMac(buffer, index + DESTINATION_OFFSET, mac);
        return this;
    }

    public long source() {
        return readMac(buffer, index + SOURCE_OFFSET);
    }

    public EthernetFlyweight source(long mac) {
        writeMac(buffer, index + SOURCE_OFFSET, mac);
        return this;
    }

    public int etherType() {
        return buffer.getShort(index + ETHER_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public EthernetFlyweight etherType(int etherType) {
        buffer.putShort(index + ETHER_TYPE_OFFSET, (short) etherType, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Reads the six bytes at {@code index} as a MAC address. */
    public static long readMac(MutableDirectBuffer buffer, int index) {
        return (buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32
            | (buffer.getInt(index + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    public static void writeMac(MutableDirectBuffer buffer, int index, long mac) {
        buffer.putShort(index, (short) (mac >>> 32), ByteOrder.BIG_ENDIAN);
        buffer.putInt(index + 2, (int) mac, ByteOrder.BIG_ENDIAN);
    }
}
