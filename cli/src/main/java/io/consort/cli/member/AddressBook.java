package io.consort.cli.member;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The group's transport addresses ({@code ip:port} by index, the same list at every member), which of them is
 * this member, and the seeds it contacts to find the group.
 */
public record AddressBook(InetSocketAddress[] addresses, int self, int[] seeds) {

    /** Parses {@code ip:port,ip:port,...}; {@code self} is this member's own {@code ip:port} or its index. */
    public static AddressBook parse(String members, String self, String seeds) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (String item : members.split(",")) {
            list.add(address(item.trim(), "--members"));
        }
        InetSocketAddress[] addresses = list.toArray(new InetSocketAddress[0]);
        if (addresses.length < 1 || addresses.length > 1024) {
            throw new IllegalArgumentException("--members lists 1 to 1024 ip:port addresses, had " + addresses.length);
        }
        for (int i = 0; i < addresses.length; i++) {
            for (int j = 0; j < i; j++) {
                if (addresses[i].equals(addresses[j])) {
                    throw new IllegalArgumentException("--members lists " + addresses[i] + " twice");
                }
            }
        }
        int selfIndex = indexOf(addresses, self, "--address");
        int[] seedIndexes;
        if (seeds == null || seeds.isBlank()) {
            seedIndexes = new int[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                seedIndexes[i] = i;
            }
        } else {
            String[] items = seeds.split(",");
            seedIndexes = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                seedIndexes[i] = indexOf(addresses, items[i].trim(), "--seeds");
            }
        }
        return new AddressBook(addresses, selfIndex, seedIndexes);
    }

    private static int indexOf(InetSocketAddress[] addresses, String item, String option) {
        if (item == null) {
            throw new IllegalArgumentException(option + " is required: this member's ip:port from --members, or its"
                + " index (0 to " + (addresses.length - 1) + ")");
        }
        if (item.matches("\\d+")) {
            int index = Integer.parseInt(item);
            if (index >= addresses.length) {
                throw new IllegalArgumentException(option + " index " + index + " is not in --members (0 to "
                    + (addresses.length - 1) + ")");
            }
            return index;
        }
        InetSocketAddress address = address(item, option);
        for (int i = 0; i < addresses.length; i++) {
            if (addresses[i].equals(address)) {
                return i;
            }
        }
        throw new IllegalArgumentException(option + " " + item + " is not one of --members");
    }

    static InetSocketAddress address(String item, String option) {
        int colon = item.lastIndexOf(':');
        if (colon <= 0 || colon == item.length() - 1) {
            throw new IllegalArgumentException(option + ": '" + item + "' is not ip:port");
        }
        int port;
        try {
            port = Integer.parseInt(item.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": the port of '" + item + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + ": port " + port + " of '" + item + "' is not 1 to 65535");
        }
        try {
            InetAddress ip = InetAddress.getByName(item.substring(0, colon));
            if (ip.getAddress().length != 4) {
                throw new IllegalArgumentException(option + ": '" + item + "' is not IPv4");
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host in '" + item + "'");
        }
    }

    /**
     * The IP multicast group that can carry this group's casts, or null when only a unicast fan-out can: multicast
     * needs every member on an address of its own (one port and no duplicates make that so), none of them loopback,
     * as in a lab. Whether the network between them carries multicast at all (many clouds do not) only the caller
     * can know. The group follows from the port ({@code 239.77.<port / 256>.<port % 256>}, administratively scoped),
     * so every member picks the same one with nothing to configure, and groups on other ports do not meet.
     */
    public InetAddress multicastGroup() {
        int port = addresses[0].getPort();
        for (int i = 0; i < addresses.length; i++) {
            InetAddress address = addresses[i].getAddress();
            if (addresses[i].getPort() != port || address.isLoopbackAddress() || address.isAnyLocalAddress()
                || address.getAddress().length != 4) {
                return null;
            }
        }
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 239, 77, (byte) (port >> 8), (byte) port});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How this address appears in output: {@code ip:port}, or the name of a simulated member. */
    public String label(int index) {
        InetSocketAddress address = addresses[index];
        if (address.isUnresolved()) {
            return address.getHostString();
        }
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
