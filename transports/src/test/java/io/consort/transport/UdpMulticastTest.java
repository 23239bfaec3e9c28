package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.Transport;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The kernel UDP transport's multicast mode: three namespaces on a bridge, one datagram per ALL. */
class UdpMulticastTest {
    private static final int PORT = 7300;
    private static final int MEMBERS = 3;

    @Test
    void multicastReachesEveryOtherMemberOnce() throws Exception {
        VethNetwork.assumeUsable();
        try (TestNetwork net = TestNetwork.create()) {
            NetNamespace host = net.namespace("br");
            net.bridge(host, "csxbr0");
            InetSocketAddress[] members = new InetSocketAddress[MEMBERS];
            NetNamespace[] spaces = new NetNamespace[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                spaces[i] = net.namespace("u" + i);
                net.bridgePort(host, "csxbr0", "csxq" + i, spaces[i], "csxu" + i, "10.77.4." + (i + 1) + "/24");
                members[i] = new InetSocketAddress(InetAddress.getByName("10.77.4." + (i + 1)), PORT);
            }
            FramePool[] pools = new FramePool[MEMBERS];
            CounterSet[] counters = new CounterSet[MEMBERS];
            UdpTransport[] transports = new UdpTransport[MEMBERS];
            XskTransportTest.Inbox[] inboxes = new XskTransportTest.Inbox[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                int rank = i;
                pools[i] = XskTransportTest.pool();
                counters[i] = new CounterSet("u" + i, 32);
                UdpTransportConfig config = new UdpTransportConfig().members(rank, members)
                    .multicast(InetAddress.getByName("239.77.0.2"), "csxu" + rank);
                transports[i] = spaces[i].call(() -> new UdpTransport(config, pools[rank], counters[rank]));
                inboxes[i] = new XskTransportTest.Inbox(pools[i]);
            }
            int count = 200;
            for (int n = 0; n < count; n++) {
                XskTransportTest.send(transports[0], pools[0], Transport.ALL, "group " + n);
                if (n % 32 == 31) {
                    for (int i = 0; i < MEMBERS; i++) {
                        inboxes[i].drain(transports[i]);
                    }
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((inboxes[1].texts.size() < count || inboxes[2].texts.size() < count) && System.nanoTime() < deadline) {
                for (int i = 0; i < MEMBERS; i++) {
                    inboxes[i].drain(transports[i]);
                }
            }
            assertEquals(count, inboxes[1].texts.size(), counters[1].dump());
            assertEquals(count, inboxes[2].texts.size(), counters[2].dump());
            assertEquals(0, inboxes[0].texts.size(), "our own multicast copies are dropped");
            assertEquals(count, counters[0].value("udp sent"), "one datagram per ALL");
            for (int i = 0; i < MEMBERS; i++) {
                transports[i].close();
                assertEquals(0, pools[i].inUse(), pools[i].leakReport());
            }
        }
    }
}
