package io.consort.xsk.packet;

/** The Internet checksum the obvious way, byte by byte, to check the optimised one against. */
final class ReferenceChecksum {
    private ReferenceChecksum() {
    }

    static int onesComplementSum(byte[] bytes, int from, int length, int initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            int high = bytes[from + i] & 0xFF;
            int low = i + 1 < length ? bytes[from + i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) sum;
    }

    static int ipv4Header(byte[] frame, int ip) {
        byte[] copy = java.util.Arrays.copyOfRange(frame, ip, ip + 20);
        copy[10] = 0;
        copy[11] = 0;
        return ~onesComplementSum(copy, 0, 20, 0) & 0xFFFF;
    }

    static int udp(byte[] frame, int ip, int udp, int udpLength) {
        byte[] pseudo = new byte[12];
        System.arraycopy(frame, ip + 12, pseudo, 0, 8);
        pseudo[9] = 17;
        pseudo[10] = (byte) (udpLength >> 8);
        pseudo[11] = (byte) udpLength;
        byte[] datagram = java.util.Arrays.copyOfRange(frame, udp, udp + udpLength);
        datagram[6] = 0;
        datagram[7] = 0;
        int sum = onesComplementSum(pseudo, 0, 12, 0);
        sum = onesComplementSum(datagram, 0, udpLength, sum);
        int checksum = ~sum & 0xFFFF;
        return checksum == 0 ? 0xFFFF : checksum;
    }
}
