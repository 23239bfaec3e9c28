package io.consort.xsk.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.xsk.XskLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TestNetworkTest {
    @Test
    void namespacesAreRemovedOnCloseAndThreadsComeBack() throws Exception {
        Assumptions.assumeTrue(TestNetwork.isRoot(), "needs root for network namespaces");
        Assumptions.assumeTrue(XskLibrary.isAvailable(), XskLibrary::unavailableReason);
        String name;
        try (TestNetwork net = TestNetwork.create()) {
            NetNamespace hub = net.namespace("hub");
            NetNamespace member = net.namespace("m");
            name = hub.name();
            assertTrue(name.startsWith("csx-"));
            net.bridge(hub, "csxbr0");
            net.bridgePort(hub, "csxbr0", "csxp0", member, "csxm0", "10.77.4.1/24");
            try (NetNamespace.Scope in = member.enter()) {
                assertTrue(Files.readString(Path.of("/proc/thread-self/net/dev")).contains("csxm0"));
            }
            assertFalse(Files.readString(Path.of("/proc/thread-self/net/dev")).contains("csxm0"));
            assertThrows(IllegalArgumentException.class, () -> net.veth(hub, "eth9", null, member, "csxq", null));
            assertThrows(IllegalArgumentException.class,
                () -> net.veth(hub, "csxq0", "192.168.1.1/24", member, "csxq1", null));
        }
        assertFalse(Files.exists(Path.of("/run/netns/" + name)));
    }
}
