package io.consort.transport;

import io.consort.xsk.XskLibrary;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import org.junit.jupiter.api.Assumptions;

/**
 * Test fixture for the transport and tool tests: namespaces {@code a} (csxa0, 10.77.2.1, 02:77:00:00:02:01)
 * and {@code b} (csxb0, 10.77.2.2, 02:77:00:00:02:02) joined by a veth pair with GRO on both ends. Skips the
 * test, saying why, when not root or when the native library cannot load.
 */
public final class VethNetwork implements AutoCloseable {
    public static final String A_IF = "csxa0";
    public static final String B_IF = "csxb0";
    public static final String A_IP = "10.77.2.1";
    public static final String B_IP = "10.77.2.2";
    public static final String A_MAC = "02:77:00:00:02:01";
    public static final String B_MAC = "02:77:00:00:02:02";

    public final TestNetwork network;
    public final NetNamespace a;
    public final NetNamespace b;

    private VethNetwork() {
        network = TestNetwork.create();
        try {
            a = network.namespace("a");
            b = network.namespace("b");
            network.veth(a, A_IF, A_IP + "/24", b, B_IF, B_IP + "/24");
            a.ip("link", "set", A_IF, "address", A_MAC);
            b.ip("link", "set", B_IF, "address", B_MAC);
            // Frames AF_XDP sends into a veth reach the peer's kernel stack only with GRO (or XDP) there.
            network.enableGro(a, A_IF);
            network.enableGro(b, B_IF);
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** Skips the calling test unless namespaces and AF_XDP are usable here. */
    public static void assumeUsable() {
        Assumptions.assumeTrue(TestNetwork.isRoot(), "needs root: network namespaces, veth and AF_XDP");
        Assumptions.assumeTrue(XskLibrary.isAvailable(), XskLibrary::unavailableReason);
    }

    public static VethNetwork create() {
        assumeUsable();
        return new VethNetwork();
    }

    @Override
    public void close() {
        network.close();
    }
}
