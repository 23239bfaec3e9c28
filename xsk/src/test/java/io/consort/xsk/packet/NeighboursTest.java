package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class NeighboursTest {
    private static final String PROC_NET_ARP = String.join("\n",
        "IP address       HW type     Flags       HW address            Mask     Device",
        "10.77.0.2        0x1         0x2         0a:1b:2c:3d:4e:5f     *        csxa0",
        "10.77.0.3        0x1         0x0         00:00:00:00:00:00     *        csxa0",
        "10.77.1.2        0x1         0x2         02:00:00:00:01:02     *        csxb0",
        "");

    @Test
    void kernelTableKeepsCompleteEntriesOfTheDevice() {
        StaticNeighbours table = KernelNeighbours.parseProcNetArp(PROC_NET_ARP, "csxa0");
        assertEquals(MacAddress.parse("0a:1b:2c:3d:4e:5f"), table.macOf(Ipv4Address.parse("10.77.0.2")));
        assertEquals(MacAddress.NONE, table.macOf(Ipv4Address.parse("10.77.0.3")));
        assertEquals(MacAddress.NONE, table.macOf(Ipv4Address.parse("10.77.1.2")));
        assertEquals(2, KernelNeighbours.parseProcNetArp(PROC_NET_ARP, null).size());
    }

    @Test
    void staticTableAndMulticast() {
        StaticNeighbours table = new StaticNeighbours().put("10.77.0.9", "02:00:00:00:00:09");
        assertEquals(0x0200_0000_0009L, table.macOf(Ipv4Address.parse("10.77.0.9")));
        assertEquals(MacAddress.parse("01:00:5e:7f:00:01"), table.macOf(Ipv4Address.parse("239.255.0.1")));
        assertEquals(MacAddress.parse("01:00:5e:00:00:01"), table.macOf(Ipv4Address.parse("239.128.0.1")));
    }

    @Test
    void badAddressesAreExplained() {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("10.77.0.256"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("example.com"));
    }

    @Property
    void macTextRoundTrip(@ForAll @LongRange(max = 0xFFFF_FFFF_FFFFL) long mac) {
        assertEquals(mac, MacAddress.parse(MacAddress.toString(mac)));
    }

    @Property
    void ipTextRoundTrip(@ForAll int ip) {
        assertEquals(ip, Ipv4Address.parse(Ipv4Address.toString(ip)));
        assertEquals(ip, Ipv4Address.of(Ipv4Address.toInetAddress(ip)));
    }
}
