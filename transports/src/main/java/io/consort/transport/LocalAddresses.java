package io.consort.transport;

import io.consort.xsk.netns.CurrentNamespace;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Start-up checks of a member's own address against the network namespace of the thread opening its transport,
 * so that a member configured with somebody else's address (or on the wrong interface) fails at once, saying what
 * is here, instead of sending into the void. {@link NetworkInterface} reads IPv4 addresses through a socket made
 * by the calling thread, so it sees the namespace that thread entered.
 */
final class LocalAddresses {
    private LocalAddresses() {
    }

    /**
     * The interface {@code interfaceName}, after checking that it exists here and has {@code self} among its IPv4
     * addresses; {@code rank} names the member in messages.
     */
    static NetworkInterface requireOnInterface(InetAddress self, String interfaceName, int rank) {
        NetworkInterface nic = byName(interfaceName);
        if (nic == null) {
            if (!CurrentNamespace.interfaces().contains(interfaceName)) {
                throw new IllegalArgumentException(CurrentNamespace.noSuchInterface(interfaceName)
                    + ": choose one of them for this member");
            }
            throw new IllegalArgumentException(self.getHostAddress() + " is not an address of " + interfaceName
                + " in " + CurrentNamespace.describe() + ": it has no IPv4 address (see `" + CurrentNamespace.ip(
                "addr show dev " + interfaceName) + "`); assign " + self.getHostAddress() + " to it, or open the"
                + " transport on the interface that has it");
        }
        List<String> addresses = ipv4(nic);
        if (!addresses.stream().anyMatch(a -> a.startsWith(self.getHostAddress() + "/"))) {
            throw new IllegalArgumentException(self.getHostAddress() + " is not an address of " + interfaceName
                + " in " + CurrentNamespace.describe() + " (its addresses: " + String.join(", ", addresses)
                + "): make this member's address (rank " + rank + " of members(...)) one of them, or open the"
                + " transport on the interface and in the namespace that have " + self.getHostAddress());
        }
        return nic;
    }

    /**
     * Checks that {@code self} is assigned to an interface here (the wildcard address passes, and so does the
     * loopback network, all of it local, when {@code lo} has an address).
     */
    static void requireAssigned(InetAddress self, int rank) {
        if (isAssigned(self)) {
            return;
        }
        List<String> everything = new ArrayList<>();
        for (NetworkInterface nic : all()) {
            for (String address : ipv4(nic)) {
                everything.add(nic.getName() + " " + address);
            }
        }
        throw new IllegalArgumentException(self.getHostAddress() + " is not assigned to any interface in "
            + CurrentNamespace.describe() + " (its addresses: " + String.join(", ", everything) + "): make this"
            + " member's address (rank " + rank + " of members(...)) one of them, or open the transport in the"
            + " namespace that has " + self.getHostAddress());
    }

    /** Whether {@code address} is local here: the wildcard, one of the interfaces', or loopback when lo is up. */
    static boolean isAssigned(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return true;
        }
        for (NetworkInterface nic : all()) {
            for (String assigned : ipv4(nic)) {
                if (assigned.startsWith(address.getHostAddress() + "/") || (address.isLoopbackAddress() && isLoopback(nic))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Binds a UDP socket to {@code address}, turning "address already in use" into a message that says how to
     * see who holds the port and what to change.
     */
    static void bind(DatagramChannel channel, InetSocketAddress address) throws IOException {
        try {
            channel.bind(address);
        } catch (BindException e) {
            throw new IllegalArgumentException(portInUse(address) + " (" + e.getMessage() + ")", e);
        }
    }

    static String portInUse(InetSocketAddress address) {
        int port = address.getPort();
        return "UDP port " + port + " of " + address.getAddress().getHostAddress() + " is in use in "
            + CurrentNamespace.describe() + " (see who holds it: " + CurrentNamespace.exec("ss -ulpn sport = :" + port)
            + "): give this member another port, or stop what holds it";
    }

    private static NetworkInterface byName(String name) {
        try {
            return NetworkInterface.getByName(name);
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
        }
    }

    /**
     * The smallest MTU of the interfaces this host sends the other members' datagrams through, or 0 when no
     * route to any of them is known yet. A connected probe socket picks each route; it sends nothing.
     */
    static int smallestRouteMtu(UdpTransportConfig config) {
        int smallest = 0;
        for (int rank = 0; rank < config.memberCount(); rank++) {
            if (rank == config.localRank()) {
                continue;
            }
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.connect(config.member(rank));
                NetworkInterface nic = NetworkInterface.getByInetAddress(
                    ((InetSocketAddress) probe.getLocalAddress()).getAddress());
                int mtu = nic == null ? 0 : nic.getMTU();
                if (mtu > 0 && (smallest == 0 || mtu < smallest)) {
                    smallest = mtu;
                }
            } catch (IOException e) {
                // No route to that member yet (the network may come up later): nothing to check against.
            }
        }
        return smallest;
    }

    private static List<NetworkInterface> all() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
        }
    }

    /** The interface's IPv4 addresses as a.b.c.d/prefix. */
    private static List<String> ipv4(NetworkInterface nic) {
        List<String> addresses = new ArrayList<>();
        for (InterfaceAddress address : nic.getInterfaceAddresses()) {
            if (address.getAddress() instanceof Inet4Address) {
                addresses.add(address.getAddress().getHostAddress() + "/" + address.getNetworkPrefixLength());
            }
        }
        return addresses;
    }

    private static boolean isLoopback(NetworkInterface nic) {
        try {
            return nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
