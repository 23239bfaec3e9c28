package io.consort.transport;

import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
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
            BridgedMembers bridged = new BridgedMembers(net, "10.77.4", MembershipScenario.MEMBERS, PORT);
            NetNamespace[] spaces = bridged.spaces;
            InetSocketAddress[] addresses = bridged.addresses;
            new MembershipScenario(address -> (frames, counters) -> {
                XskTransportConfig config = new XskTransportConfig(BridgedMembers.interfaceOf(address))
                    .members(address, addresses);
                try {
                    return spaces[address].call(() -> new XskTransport(config.ringSize(1024), frames, counters));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot open the AF_XDP transport of member " + address, e);
                }
            }).aStoppedMemberIsExcludedAndItsNextIncarnationRejoins();
        }
    }
}
