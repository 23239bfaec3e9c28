package io.consort.xsk.transport;

import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * {@link MembershipScenario} over AF_XDP: three namespaces on one Linux bridge, each member's socket and XDP
 * program in its own namespace; the stopped member's socket is closed and its next incarnation opens a new one
 * on the same interface.
 */
class XskMembershipTest {
    private static final int PORT = 7300;

    @Test
    void aStoppedMemberIsExcludedAndItsNextIncarnationRejoins() throws Exception {
        VethNetwork.assumeUsable();
        try (TestNetwork net = TestNetwork.create()) {
            NetNamespace host = net.namespace("br");
            net.bridge(host, "csxbr0");
            int members = MembershipScenario.MEMBERS;
            InetSocketAddress[] addresses = new InetSocketAddress[members];
            NetNamespace[] spaces = new NetNamespace[members];
            for (int i = 0; i < members; i++) {
                spaces[i] = net.namespace("m" + i);
                net.bridgePort(host, "csxbr0", "csxp" + i, spaces[i], "csxm" + i, "10.77.4." + (i + 1) + "/24");
                net.enableGro(host, "csxp" + i);
                net.enableGro(spaces[i], "csxm" + i);
                addresses[i] = new InetSocketAddress(InetAddress.getByName("10.77.4." + (i + 1)), PORT);
            }
            new MembershipScenario(address -> (frames, counters) -> {
                XskTransportConfig config = new XskTransportConfig("csxm" + address).members(address, addresses);
                try {
                    return spaces[address].call(() -> new XskTransport(config.ringSize(1024), frames, counters));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot open the AF_XDP transport of member " + address, e);
                }
            }).aStoppedMemberIsExcludedAndItsNextIncarnationRejoins();
        }
    }
}
