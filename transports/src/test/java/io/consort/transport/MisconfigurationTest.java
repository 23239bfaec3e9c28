package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.CounterSet;
import io.consort.xsk.XskException;
import io.consort.xsk.netns.NetNamespace;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Configurations that cannot work fail when the transport is opened, with a message that says what is wrong and
 * what to change; where the message names a command, the test runs that very command and the transport then opens.
 */
class MisconfigurationTest {
    private static final int PORT = 7500;

    private final List<FramePool> pools = new ArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        for (FramePool pool : pools) {
            assertEquals(0, pool.inUse(), pool.leakReport());
            pool.close();
        }
    }

    private FramePool pool() {
        FramePool pool = FramePool.allocate(new FramePoolConfig().frameSize(2048).frameCount(4096));
        pools.add(pool);
        return pool;
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private UdpTransport udp(UdpTransportConfig config) {
        UdpTransport transport = new UdpTransport(config, pool(), new CounterSet("udp", 32));
        opened.add(transport);
        return transport;
    }

    private XskTransport xsk(NetNamespace ns, XskTransportConfig config) throws Exception {
        XskTransport transport = XskTransportTest.open(ns, config, pool(), new CounterSet("xsk", 64));
        opened.add(transport);
        return transport;
    }

    /** Runs {@code open} expecting it to fail; returns the message. */
    private static String refused(Class<? extends RuntimeException> type, ThrowingSupplier open) {
        return assertThrows(type, open::get).getMessage();
    }

    private interface ThrowingSupplier {
        Object get() throws Exception;
    }

    private static String commandAfter(String message, String marker) {
        assertTrue(message.contains(marker), message);
        return message.substring(message.indexOf(marker) + marker.length()).split("[;)]| \\(", 2)[0].trim();
    }

    /** Runs a command a message suggested, as a user would type it into a shell. */
    private static String run(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), command + ": " + output);
        return output;
    }

    // --- kernel UDP ---------------------------------------------------------------------------------------------

    @Test
    void udpRefusesAnOwnAddressNoInterfaceHasAndTakesOneThatIs() throws Exception {
        InetSocketAddress[] members = {at("192.0.2.77", PORT), at("127.0.0.1", PORT)};
        String message = refused(IllegalArgumentException.class,
            () -> udp(new UdpTransportConfig().members(0, members)));
        assertTrue(message.startsWith("192.0.2.77 is not assigned to any interface in "), message);
        assertTrue(message.contains("lo 127.0.0.1/8"), message);
        assertTrue(message.contains("rank 0 of members(...)"), message);
        assertEquals(0, pools.get(0).inUse());

        udp(new UdpTransportConfig().members(1, members)).close();
        InetSocketAddress[] wildcard = {at("0.0.0.0", 0), at("127.0.0.1", PORT)};
        assertTrue(udp(new UdpTransportConfig().members(0, wildcard)).localPort() > 0, "the wildcard address is ours");
    }

    @Test
    void udpRefusesAPortInUseAndTheNamedCommandShowsWho() throws Exception {
        try (DatagramChannel holder = DatagramChannel.open()) {
            holder.bind(at("127.0.0.1", 0));
            int port = ((InetSocketAddress) holder.getLocalAddress()).getPort();
            InetSocketAddress[] members = {at("127.0.0.1", port), at("127.0.0.1", port + 1)};
            String message = refused(IllegalArgumentException.class,
                () -> udp(new UdpTransportConfig().members(0, members)));
            assertTrue(message.startsWith("UDP port " + port + " of 127.0.0.1 is in use"), message);
            String shown = run(commandAfter(message, "see who holds it: "));
            assertTrue(shown.contains("127.0.0.1]:" + port) || shown.contains("127.0.0.1:" + port), shown);
        }
    }

    @Test
    void multicastWithMembersToldApartByPortIsRefused() throws Exception {
        InetSocketAddress[] members = {at("127.0.0.1", PORT), at("127.0.0.1", PORT + 1)};
        String message = refused(IllegalArgumentException.class, () -> udp(new UdpTransportConfig().members(0, members)
            .multicast(InetAddress.getByName("239.77.0.9"), "lo")));
        assertTrue(message.startsWith("multicast to 239.77.0.9 needs every member on one port"), message);
        assertTrue(message.contains("ports " + PORT + " and " + (PORT + 1)), message);
        assertEquals(0, pools.get(0).inUse());
        String batched = refused(IllegalArgumentException.class, () -> new BatchedUdpTransport(
            new UdpTransportConfig().members(0, members).multicast(InetAddress.getByName("239.77.0.9"), "lo"),
            pool(), new CounterSet("udp", 32)));
        assertEquals(message, batched, "the batched transport refuses it alike");
    }

    @Test
    void membersWithOneAddressAreRefused() throws Exception {
        InetSocketAddress[] members = {at("127.0.0.1", PORT), at("127.0.0.1", PORT)};
        String message = refused(IllegalArgumentException.class,
            () -> udp(new UdpTransportConfig().members(0, members)));
        assertTrue(message.contains("members 0 and 1 have the same address 127.0.0.1:" + PORT), message);
    }

    @Test
    void udpChecksTheNamespaceTheThreadEntered() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at("10.77.2.9", PORT), at(VethNetwork.B_IP, PORT)};
            String message = refused(IllegalArgumentException.class,
                () -> net.a.call(() -> udp(new UdpTransportConfig().members(0, members))));
            assertTrue(message.startsWith("10.77.2.9 is not assigned to any interface in network namespace "
                + net.a.name() + " (its addresses: "), message);
            assertTrue(message.contains("csxa0 10.77.2.1/24"), message);
            InetSocketAddress[] right = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            net.a.call(() -> udp(new UdpTransportConfig().members(0, right)));
            // The same address is not ours outside the namespace.
            assertThrows(IllegalArgumentException.class, () -> udp(new UdpTransportConfig().members(0, right)));
        }
    }

    // --- AF_XDP -------------------------------------------------------------------------------------------------

    @Test
    void xskRefusesAnOwnAddressThatIsNotOnTheInterface() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            for (String wrong : new String[] {"10.77.2.9", VethNetwork.B_IP, "127.0.0.1"}) {
                InetSocketAddress[] members = {at(wrong, PORT), at(VethNetwork.B_IP, PORT + 1)};
                String message = refused(IllegalArgumentException.class,
                    () -> xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members)));
                assertEquals(wrong + " is not an address of csxa0 in network namespace " + net.a.name()
                    + " (its addresses: 10.77.2.1/24): make this member's address (rank 0 of members(...)) one of"
                    + " them, or open the transport on the interface and in the namespace that have " + wrong,
                    message);
            }
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            XskTransport transport = xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members));
            assertEquals(1472, transport.maxPacketLength());
        }
    }

    @Test
    void xskRefusesAMissingOrDownInterface() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            String missing = refused(IllegalArgumentException.class,
                () -> xsk(net.a, new XskTransportConfig("csxnothere").members(0, members)));
            assertEquals("there is no interface csxnothere in network namespace " + net.a.name()
                + " (its interfaces: lo, csxa0): choose one of them for this member", missing);

            net.a.ip("link", "set", VethNetwork.A_IF, "down");
            String down = refused(XskException.class,
                () -> xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members)));
            assertTrue(down.contains("csxa0 is down"), down);
            run(commandAfter(down, "bring it up with "));
            xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members));
        }
    }

    @Test
    void xskRefusesAQueueTheInterfaceLacksAndTheNamedCommandAddsIt() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            String beyond = refused(IllegalArgumentException.class,
                () -> xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).queue(5).members(0, members)));
            assertEquals("interface csxa0 has no queue 5: it has 1 active rx queue; use queue 0 (its driver allows"
                + " at most 2)", beyond);
            String message = refused(IllegalArgumentException.class,
                () -> xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).queue(1).members(0, members)));
            String command = commandAfter(message, "activate more with: ");
            assertEquals("ip netns exec " + net.a.name() + " ethtool -L csxa0 rx 2", command);
            run(command);
            xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).queue(1).members(0, members));
        }
    }

    @Test
    void xskRefusesAPacketLengthTheMtuCannotCarryAndFitsTheDefaultToIt() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            net.a.ip("link", "set", VethNetwork.A_IF, "mtu", "1000");
            String message = refused(IllegalArgumentException.class, () -> xsk(net.a,
                new XskTransportConfig(VethNetwork.A_IF).members(0, members).maxPacketLength(1472)));
            assertTrue(message.startsWith("maxPacketLength 1472 needs an MTU of at least 1500 on csxa0, which has"
                + " 1000"), message);
            assertTrue(message.contains("lower maxPacketLength to 972"), message);
            XskTransport fitted = xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, members));
            assertEquals(972, fitted.maxPacketLength(), "by default the packets fit the MTU");
            fitted.close();

            run(commandAfter(message, "here with "));
            XskTransport explicit = xsk(net.a,
                new XskTransportConfig(VethNetwork.A_IF).members(0, members).maxPacketLength(1472));
            assertEquals(1472, explicit.maxPacketLength());
            explicit.close();

            net.a.ip("link", "set", VethNetwork.A_IF, "mtu", "9000");
            String frames = refused(IllegalArgumentException.class, () -> xsk(net.a,
                new XskTransportConfig(VethNetwork.A_IF).members(0, members).maxPacketLength(4000)));
            assertEquals("maxPacketLength 4000 does not fit the pool's frames of 2048 bytes (they hold 1746 bytes of"
                + " payload after the kernel's 256 bytes of headroom and 46 of headers): lower maxPacketLength to 1746"
                + " or use 4096-byte frames", frames);
        }
    }

    @Test
    void xskRefusesAPortInUseAndHoldsItsOwn() throws Exception {
        try (VethNetwork net = VethNetwork.create()) {
            InetSocketAddress[] members = {at(VethNetwork.A_IP, PORT), at(VethNetwork.B_IP, PORT)};
            Supplier<XskTransportConfig> config = () -> new XskTransportConfig(VethNetwork.A_IF).members(0, members);
            try (DatagramChannel holder = net.a.call(() -> DatagramChannel.open().bind(members[0]))) {
                String message = refused(IllegalArgumentException.class, () -> xsk(net.a, config.get()));
                assertTrue(message.startsWith("UDP port " + PORT + " of " + VethNetwork.A_IP + " is in use in network"
                    + " namespace " + net.a.name()), message);
                String command = commandAfter(message, "see who holds it: ");
                assertEquals("ip netns exec " + net.a.name() + " ss -ulpn sport = :" + PORT, command);
                String shown = run(command);
                assertTrue(shown.contains(VethNetwork.A_IP + "]:" + PORT) || shown.contains(VethNetwork.A_IP + ":" + PORT),
                    shown);
            }
            xsk(net.a, config.get());
            String udp = refused(IllegalArgumentException.class,
                () -> net.a.call(() -> udp(new UdpTransportConfig().members(0, members))));
            assertTrue(udp.startsWith("UDP port " + PORT + " of " + VethNetwork.A_IP + " is in use"), udp);
            // A second AF_XDP member on the interface, on another port: the XDP hook is taken by the first.
            InetSocketAddress[] other = {at(VethNetwork.A_IP, PORT + 1), at(VethNetwork.B_IP, PORT)};
            String twice = refused(XskException.class,
                () -> xsk(net.a, new XskTransportConfig(VethNetwork.A_IF).members(0, other)));
            assertTrue(twice.contains("is already attached to csxa0 in generic mode by this process"), twice);
        }
    }
}
