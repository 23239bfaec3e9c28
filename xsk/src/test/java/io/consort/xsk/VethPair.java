package io.consort.xsk;

import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import org.junit.jupiter.api.Assumptions;

/**
 * Test fixture: namespaces {@code a} and {@code b} joined by veth csxa0 (10.77.1.1) -- csxb0 (10.77.1.2) with
 * fixed MACs. Skips the test (with the reason) when not root or when the native library cannot load.
 */
final class VethPair implements AutoCloseable {
    static final String A_IF = "csxa0";
    static final String B_IF = "csxb0";
    static final long A_MAC = RawFrames.parseMac("02:77:00:00:01:01");
    static final long B_MAC = RawFrames.parseMac("02:77:00:00:01:02");
    static final int A_IP = 0x0A4D0101;
    static final int B_IP = 0x0A4D0102;

    final TestNetwork network;
    final NetNamespace a;
    final NetNamespace b;

    private VethPair() {
        network = TestNetwork.create();
        try {
            a = network.namespace("a");
            b = network.namespace("b");
            network.veth(a, A_IF, "10.77.1.1/24", b, B_IF, "10.77.1.2/24");
            a.ip("link", "set", A_IF, "address", "02:77:00:00:01:01");
            b.ip("link", "set", B_IF, "address", "02:77:00:00:01:02");
            // Frames AF_XDP sends into a veth reach the peer's stack only with GRO (or XDP) there.
            network.enableGro(b, B_IF);
            network.enableGro(a, A_IF);
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    static void assumeUsable() {
        Assumptions.assumeTrue(TestNetwork.isRoot(), "needs root: network namespaces, veth and AF_XDP");
        Assumptions.assumeTrue(XskLibrary.isAvailable(), () -> XskLibrary.unavailableReason());
    }

    static VethPair create() {
        assumeUsable();
        return new VethPair();
    }

    @Override
    public void close() {
        network.close();
    }
}
