package io.consort.transport;

import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Test fixture: {@code members} namespaces {@code m0, m1, ...} on one Linux bridge {@code csxbr0} (in namespace
 * {@code br}), member i on interface {@code csxm<i>} at {@code <subnet>.<i+1>}, GRO on both ends of each port.
 */
public final class BridgedMembers {
    public static final String BRIDGE = "csxbr0";

    /** The namespace of the bridge and its ports. */
    public final NetNamespace host;
    public final NetNamespace[] spaces;
    public final InetSocketAddress[] addresses;

    public BridgedMembers(TestNetwork net, String subnet, int members, int port) throws Exception {
        host = net.namespace("br");
        net.bridge(host, BRIDGE);
        spaces = new NetNamespace[members];
        addresses = new InetSocketAddress[members];
        for (int i = 0; i < members; i++) {
            spaces[i] = net.namespace("m" + i);
            net.bridgePort(host, BRIDGE, portOf(i), spaces[i], interfaceOf(i), subnet + "." + (i + 1) + "/24");
            net.enableGro(host, portOf(i));
            net.enableGro(spaces[i], interfaceOf(i));
            addresses[i] = new InetSocketAddress(InetAddress.getByName(subnet + "." + (i + 1)), port);
        }
    }

    /** The bridge's port toward member {@code member}, in {@link #host}: its egress carries what the member receives. */
    public static String portOf(int member) {
        return "csxp" + member;
    }

    public static String interfaceOf(int member) {
        return "csxm" + member;
    }
}
