package io.consort.xsk.packet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's IPv4 neighbour (ARP) table of the calling thread's network namespace, read from
 * {@code /proc/thread-self/net/arp} ({@code /proc/net} would show the main thread's namespace, and a thread
 * may have entered another one). AF_XDP bypasses the kernel's stack, but ARP frames still reach it (the XDP program
 * passes them), so the kernel keeps resolving neighbours for us.
 */
public final class KernelNeighbours {
    /** Complete entry flag (ATF_COM) in /proc/net/arp. */
    private static final int ATF_COM = 0x2;
    private static final Path PROC_NET_ARP = Path.of("/proc/thread-self/net/arp");
    /** Discard service: a datagram here only makes the kernel resolve the neighbour. */
    private static final int DISCARD_PORT = 9;

    private KernelNeighbours() {
    }

    /** Complete entries of {@code device} (or of every device when null) in /proc/net/arp text. */
    public static StaticNeighbours parseProcNetArp(String text, String device) {
        StaticNeighbours table = new StaticNeighbours();
        String[] lines = text.split("\n");
        // First line is the column header: IP address, HW type, Flags, HW address, Mask, Device.
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length < 6) {
                continue;
            }
            int flags = Integer.decode(fields[2]);
            if ((flags & ATF_COM) == 0 || (device != null && !device.equals(fields[5]))) {
                continue;
            }
            table.put(Ipv4Address.parse(fields[0]), MacAddress.parse(fields[3]));
        }
        return table;
    }

    /** A snapshot of the kernel's complete entries for {@code device} (every device when null). */
    public static StaticNeighbours snapshot(String device) throws IOException {
        return parseProcNetArp(Files.readString(PROC_NET_ARP), device);
    }

    /**
     * The MAC of {@code ip} on {@code device}, asking the kernel to resolve it when it is not known yet (by
     * sending one empty datagram to the discard port of {@code ip}, which only goes to a neighbour on the
     * link), for at most {@code timeoutMillis}.
     *
     * @return the MAC, or {@link MacAddress#NONE} when it could not be resolved in time.
     */
    public static long resolve(int ip, String device, long timeoutMillis) throws IOException {
        if (Ipv4Address.isMulticast(ip)) {
            return MacAddress.forIpv4Multicast(ip);
        }
        long mac = snapshot(device).macOf(ip);
        if (mac != MacAddress.NONE) {
            return mac;
        }
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.send(ByteBuffer.allocate(0), new InetSocketAddress(Ipv4Address.toInetAddress(ip), DISCARD_PORT));
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            mac = snapshot(device).macOf(ip);
            if (mac != MacAddress.NONE) {
                return mac;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return MacAddress.NONE;
    }
}
