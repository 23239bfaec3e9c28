package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Three members in three namespaces on one Linux bridge: a multicast from one reaches the AF_XDP sockets of
 * both others as a single frame; without a group, ALL fans out as unicast copies.
 */
class MulticastBridgeTest {
    private static final int PORT = 7200;
    private static final int MEMBERS = 3;

    @Test
    void oneMulticastFrameReachesBothOtherMembers() throws Exception {
        run(true);
    }

    @Test
    void allWithoutAGroupFansOutAsUnicast() throws Exception {
        run(false);
    }

    private void run(boolean multicast) throws Exception {
        VethNetwork.assumeUsable();
        try (TestNetwork net = TestNetwork.create()) {
            BridgedMembers bridged = new BridgedMembers(net, "10.77.3", MEMBERS, PORT);
            NetNamespace[] spaces = bridged.spaces;
            InetSocketAddress[] members = bridged.addresses;
            FramePool[] pools = new FramePool[MEMBERS];
            CounterSet[] counters = new CounterSet[MEMBERS];
            XskTransport[] transports = new XskTransport[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                pools[i] = XskTransportTest.pool();
                counters[i] = new CounterSet("m" + i, 64);
                XskTransportConfig config = new XskTransportConfig(BridgedMembers.interfaceOf(i)).members(i, members);
                if (multicast) {
                    config.multicast(InetAddress.getByName("239.77.0.1"));
                }
                transports[i] = XskTransportTest.open(spaces[i], config, pools[i], counters[i]);
            }
            XskTransportTest.Inbox[] inboxes = new XskTransportTest.Inbox[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                inboxes[i] = new XskTransportTest.Inbox(pools[i]);
            }
            int count = 500;
            int sent = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((inboxes[1].texts.size() < count || inboxes[2].texts.size() < count) && System.nanoTime() < deadline) {
                if (sent < count && sent - inboxes[1].texts.size() < 64
                    && XskTransportTest.send(transports[0], pools[0], Transport.ALL, "to all " + sent)) {
                    sent++;
                }
                for (int i = 0; i < MEMBERS; i++) {
                    inboxes[i].drain(transports[i]);
                }
            }
            assertEquals(count, inboxes[1].texts.size(), counters[1].dump());
            assertEquals(count, inboxes[2].texts.size(), counters[2].dump());
            assertEquals("to all 499", inboxes[2].texts.get(count - 1));
            assertEquals(0, inboxes[0].texts.size(), "no frame comes back to its sender");
            long frames = counters[0].value("xsk sent");
            assertEquals(multicast ? count : 2L * count, frames);
            // Unicast: the second destination's headers cannot go over the frame in flight to the first.
            assertTrue(multicast || counters[0].value("xsk copied") + counters[0].value("xsk sent split") >= count,
                counters[0].dump());
            for (int i = 0; i < MEMBERS; i++) {
                transports[i].close();
                assertEquals(0, pools[i].inUse(), pools[i].leakReport());
            }
        }
    }
}
