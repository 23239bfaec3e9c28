package io.consort.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;

/** {@link MembershipScenario} over kernel UDP on the loopback interface. */
class UdpMembershipTest {
    @Test
    void aStoppedMemberIsExcludedAndItsNextIncarnationRejoins() throws Exception {
        InetSocketAddress[] addresses = new InetSocketAddress[MembershipScenario.MEMBERS];
        for (int address = 0; address < addresses.length; address++) {
            addresses[address] = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        }
        new MembershipScenario(address -> UdpTransport.factory(new UdpTransportConfig().members(address, addresses)))
            .aStoppedMemberIsExcludedAndItsNextIncarnationRejoins();
    }

    private static int freePort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }
}
