package io.consort.xsk;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import java.nio.charset.StandardCharsets;
import org.agrona.MutableDirectBuffer;

/** Test-local Ethernet/IPv4/UDP writer (UDP checksum 0, which IPv4 allows), independent of the packet package. */
final class RawFrames {
    static final int HEADERS = 14 + 20 + 8;

    private RawFrames() {
    }

    /** Writes headers at {@code index} for a payload already at {@code index + HEADERS}; returns the frame length. */
    static int udp(MutableDirectBuffer b, int index, long srcMac, long dstMac, int srcIp, int dstIp, int srcPort,
                   int dstPort, int payloadLength) {
        putMac(b, index, dstMac);
        putMac(b, index + 6, srcMac);
        b.putShort(index + 12, (short) 0x0800, java.nio.ByteOrder.BIG_ENDIAN);
        int ip = index + 14;
        b.putByte(ip, (byte) 0x45);
        b.putByte(ip + 1, (byte) 0);
        b.putShort(ip + 2, (short) (20 + 8 + payloadLength), java.nio.ByteOrder.BIG_ENDIAN);
        b.putInt(ip + 4, 0);
        b.putByte(ip + 8, (byte) 64);
        b.putByte(ip + 9, (byte) 17);
        b.putShort(ip + 10, (short) 0);
        b.putInt(ip + 12, srcIp, java.nio.ByteOrder.BIG_ENDIAN);
        b.putInt(ip + 16, dstIp, java.nio.ByteOrder.BIG_ENDIAN);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getShort(ip + i, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        b.putShort(ip + 10, (short) ~sum, java.nio.ByteOrder.BIG_ENDIAN);
        int udp = ip + 20;
        b.putShort(udp, (short) srcPort, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(udp + 2, (short) dstPort, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(udp + 4, (short) (8 + payloadLength), java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(udp + 6, (short) 0);
        return HEADERS + payloadLength;
    }

    /**
     * Fills {@code offsets} and {@code lengths} with UDP packets from {@link VethPair}'s side a to side b, one per
     * fresh SEND frame of {@code pool}, packet {@code i} carrying the text {@code prefix + i}.
     */
    static void textPackets(FramePool pool, String prefix, int sourcePort, int destinationPort, int[] offsets,
                            int[] lengths) {
        for (int i = 0; i < offsets.length; i++) {
            int frame = pool.acquire(Account.SEND);
            offsets[i] = pool.frameOffset(frame) + pool.headroom();
            byte[] payload = (prefix + i).getBytes(StandardCharsets.US_ASCII);
            pool.buffer().putBytes(offsets[i] + HEADERS, payload);
            lengths[i] = udp(pool.buffer(), offsets[i], VethPair.A_MAC, VethPair.B_MAC, VethPair.A_IP, VethPair.B_IP,
                sourcePort, destinationPort, payload.length);
        }
    }

    static void putMac(MutableDirectBuffer b, int index, long mac) {
        for (int i = 0; i < 6; i++) {
            b.putByte(index + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    static long parseMac(String text) {
        long mac = 0;
        for (String part : text.split(":")) {
            mac = mac << 8 | Integer.parseInt(part, 16);
        }
        return mac;
    }
}
