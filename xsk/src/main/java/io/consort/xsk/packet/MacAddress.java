package io.consort.xsk.packet;

import io.consort.xsk.netns.CurrentNamespace;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * Ethernet MAC addresses held in the low 48 bits of a {@code long}, first octet most significant, so that they
 * can be compared and stored without objects.
 */
public final class MacAddress {
    /** No address known (neighbour not resolved). */
    public static final long NONE = -1L;
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** The 01:00:5e prefix of Ethernet addresses that carry IPv4 multicast (RFC 1112). */
    public static final long IPV4_MULTICAST_PREFIX = 0x0100_5E00_0000L;

    private MacAddress() {
    }

    /**
     * The MAC of the interface {@code name} as the calling thread's network namespace sees it (looked up with
     * an ioctl on a socket, so a thread that entered another namespace gets that namespace's interface).
     */
    public static long ofInterface(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            byte[] mac = nic == null ? null : nic.getHardwareAddress();
            if (mac == null || mac.length != 6) {
                throw new IllegalArgumentException("interface " + name + " has no Ethernet address in "
                    + CurrentNamespace.describe() + " (see `" + CurrentNamespace.ip("link show dev " + name) + "`)");
            }
            long value = 0;
            for (byte b : mac) {
                value = value << 8 | (b & 0xFF);
            }
            return value;
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot read the address of " + name + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes). */
    public static long parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address (six hex octets): " + text);
        }
        long mac = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part, 16);
            if (part.length() > 2 || octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not a MAC address (bad octet '" + part + "'): " + text);
            }
            mac = (mac << 8) | octet;
        }
        return mac;
    }

    public static String toString(long mac) {
        StringBuilder out = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xFF;
            out.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0) {
                out.append(':');
            }
        }
        return out.toString();
    }

    /** True for group addresses (broadcast included): the least significant bit of the first octet is set. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /** The Ethernet address an IPv4 multicast group is sent to: 01:00:5e followed by the group's low 23 bits. */
    public static long forIpv4Multicast(int group) {
        return IPV4_MULTICAST_PREFIX | (group & 0x7F_FFFF);
    }
}
