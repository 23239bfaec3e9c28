package io.consort.xsk.packet;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
 *
 * <p>Sums are kept unfolded in a {@code long} so that several pieces (pseudo header, UDP header, payload) can
 * be added before folding once. Every piece except the last must have an even length.
 */
public final class Checksums {
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Checksums() {
    }

    /**
     * Adds the bytes {@code [index, index + length)} to {@code sum} as big-endian 16-bit words; an odd last
     * byte counts as the high byte of a word whose low byte is zero.
     */
    public static long sum(DirectBuffer buffer, int index, int length, long sum) {
        buffer.boundsCheck(index, length);
        byte[] array = buffer.byteArray();
        long address = buffer.addressOffset() + index;
        long end = address + length;
        // Native-order loads, one bounds check: the ones' complement sum does not depend on byte order
        // (RFC 1071, 2(B)), so the folded result is byte-swapped once instead of every word. Two accumulators
        // of 32-bit halves cannot overflow for any buffer an int can index.
        long even = 0;
        long odd = 0;
        while (end - address >= 16) {
            long first = UnsafeApi.getLong(array, address);
            long second = UnsafeApi.getLong(array, address + 8);
            even += (first >>> 32) + (first & 0xFFFF_FFFFL);
            odd += (second >>> 32) + (second & 0xFFFF_FFFFL);
            address += 16;
        }
        if (end - address >= 8) {
            long word = UnsafeApi.getLong(array, address);
            even += (word >>> 32) + (word & 0xFFFF_FFFFL);
            address += 8;
        }
        if (end - address >= 4) {
            odd += UnsafeApi.getInt(array, address) & 0xFFFF_FFFFL;
            address += 4;
        }
        if (end - address >= 2) {
            even += UnsafeApi.getShort(array, address) & 0xFFFF;
            address += 2;
        }
        if (end - address == 1) {
            // The last byte is the first of its (zero-padded) word: the high byte in network order.
            odd += NATIVE_LITTLE_ENDIAN ? UnsafeApi.getByte(array, address) & 0xFF
                : (UnsafeApi.getByte(array, address) & 0xFF) << 8;
        }
        int folded = fold(even + odd);
        return sum + (NATIVE_LITTLE_ENDIAN ? ((folded & 0xFF) << 8) | (folded >>> 8) : folded);
    }

    /** Folds an unfolded sum to 16 bits with end-around carry; not complemented. */
    public static int fold(long sum) {
        // Four fixed steps take any sum below 2^63 to 16 bits; no data-dependent loop.
        long folded = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        folded = (folded & 0xFFFF) + (folded >>> 16);
        folded = (folded & 0xFFFF) + (folded >>> 16);
        return (int) ((folded & 0xFFFF) + (folded >>> 16));
    }

    /** Sum of the IPv4 pseudo header that UDP and TCP checksums cover. */
    public static long pseudoHeaderSum(int sourceIp, int destinationIp, int protocol, int length) {
        return (sourceIp >>> 16) + (sourceIp & 0xFFFF) + (destinationIp >>> 16) + (destinationIp & 0xFFFF)
            + protocol + length;
    }

    /**
     * The IPv4 header checksum of the {@code headerLength} bytes at {@code index}, to be stored in the header.
     * The checksum field must hold zero while this runs; over a header that holds a correct checksum it returns 0.
     */
    public static int ipv4Header(DirectBuffer buffer, int index, int headerLength) {
        return ~fold(sum(buffer, index, headerLength, 0)) & 0xFFFF;
    }

    /**
     * The UDP checksum of the datagram of {@code udpLength} bytes at {@code index} (header and payload), with
     * its checksum field holding zero, to be stored in the header. Never 0: a computed 0 is sent as 0xFFFF,
     * because 0 means "no checksum".
     */
    public static int udp(DirectBuffer buffer, int index, int udpLength, int sourceIp, int destinationIp) {
        long sum = sum(buffer, index, udpLength,
            pseudoHeaderSum(sourceIp, destinationIp, Ipv4Flyweight.PROTOCOL_UDP, udpLength));
        int checksum = ~fold(sum) & 0xFFFF;
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * Like {@link #udp}, for a datagram whose payload's folded sum is already known: computed from the header
     * fields alone, without reading the buffer.
     */
    public static int udpFromParts(int sourceIp, int destinationIp, int sourcePort, int destinationPort,
                                   int udpLength, int payloadSum) {
        long sum = pseudoHeaderSum(sourceIp, destinationIp, Ipv4Flyweight.PROTOCOL_UDP, udpLength)
            + sourcePort + destinationPort + udpLength + payloadSum;
        int checksum = ~fold(sum) & 0xFFFF;
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /** True when the datagram, checksum field included, sums to all ones: its stored checksum is right. */
    public static boolean udpVerifies(DirectBuffer buffer, int index, int udpLength, int sourceIp, int destinationIp) {
        long sum = sum(buffer, index, udpLength,
            pseudoHeaderSum(sourceIp, destinationIp, Ipv4Flyweight.PROTOCOL_UDP, udpLength));
        return fold(sum) == 0xFFFF;
    }

    /**
     * What a Linux sender stores in the UDP checksum field when it leaves the checksum to the device
     * (CHECKSUM_PARTIAL): the folded pseudo-header sum, not complemented. Frames from a kernel socket over a
     * local veth arrive like that, because no device ever finishes them.
     */
    public static int udpPartial(int sourceIp, int destinationIp, int udpLength) {
        return fold(pseudoHeaderSum(sourceIp, destinationIp, Ipv4Flyweight.PROTOCOL_UDP, udpLength));
    }
}
