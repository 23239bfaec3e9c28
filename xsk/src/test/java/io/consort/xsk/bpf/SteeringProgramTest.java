package io.consort.xsk.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.xsk.XskLibrary;
import io.consort.xsk.netns.TestNetwork;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The steering program's decisions on crafted frames, run in the kernel with BPF_PROG_TEST_RUN. Without a
 * socket in the XSKMAP a redirect falls back to PASS, so steering shows in the REDIRECTED/NO_SOCKET counters.
 */
class SteeringProgramTest {
    private static final int PORT = 7000;
    private XdpSteering steering;

    @BeforeEach
    void load() {
        Assumptions.assumeTrue(TestNetwork.isRoot(), "needs root to load eBPF programs");
        Assumptions.assumeTrue(XskLibrary.isAvailable(), XskLibrary::unavailableReason);
        steering = XdpSteering.loadDetached();
        steering.routePort(PORT, 1);
        steering.routePortRange(8000, 8099, 2);
    }

    @AfterEach
    void close() {
        if (steering != null) {
            steering.close();
        }
    }

    static byte[] udpFrame(int vlanTags, int port, int ihl, int fragmentField, int protocol) {
        int ip = 14 + 4 * vlanTags;
        byte[] f = new byte[ip + ihl * 4 + 8 + 16];
        f[12] = (byte) (vlanTags > 0 ? 0x88 : 0x08);
        f[13] = (byte) (vlanTags > 0 ? 0xA8 : 0x00);
        for (int t = 0; t < vlanTags; t++) {
            int tag = 14 + 4 * t;
            f[tag + 1] = 5;
            boolean last = t == vlanTags - 1;
            f[tag + 2] = (byte) (last ? 0x08 : 0x81);
            f[tag + 3] = 0;
        }
        f[ip] = (byte) (0x40 | ihl);
        f[ip + 6] = (byte) (fragmentField >> 8);
        f[ip + 7] = (byte) fragmentField;
        f[ip + 9] = (byte) protocol;
        int udp = ip + ihl * 4;
        f[udp + 2] = (byte) (port >> 8);
        f[udp + 3] = (byte) port;
        return f;
    }

    private long redirectsAfter(byte[] frame, int length) {
        long before = steering.stat(SteeringStat.REDIRECTED) + steering.stat(SteeringStat.NO_SOCKET);
        assertEquals(XdpVerdict.PASS, steering.testRun(frame, length));
        return steering.stat(SteeringStat.REDIRECTED) + steering.stat(SteeringStat.NO_SOCKET) - before;
    }

    @Test
    void steersRoutedUdpPortsPlainAndVlanTagged() {
        for (int tags = 0; tags <= 2; tags++) {
            byte[] frame = udpFrame(tags, PORT, 5, 0, 17);
            assertEquals(1, redirectsAfter(frame, frame.length), "tags " + tags);
            byte[] ranged = udpFrame(tags, 8042, 5, 0, 17);
            assertEquals(1, redirectsAfter(ranged, ranged.length), "range, tags " + tags);
        }
        byte[] withOptions = udpFrame(0, PORT, 7, 0, 17);
        assertEquals(1, redirectsAfter(withOptions, withOptions.length), "IP options are skipped correctly");
    }

    @Test
    void passesEverythingElse() {
        byte[] otherPort = udpFrame(0, 7001, 5, 0, 17);
        assertEquals(0, redirectsAfter(otherPort, otherPort.length));
        byte[] tcp = udpFrame(0, PORT, 5, 0, 6);
        assertEquals(0, redirectsAfter(tcp, tcp.length));
        byte[] fragment = udpFrame(0, PORT, 5, 0x2000, 17);
        assertEquals(0, redirectsAfter(fragment, fragment.length), "more-fragments set");
        byte[] laterFragment = udpFrame(0, PORT, 5, 0x0010, 17);
        assertEquals(0, redirectsAfter(laterFragment, laterFragment.length), "non-zero offset");
        byte[] threeTags = udpFrame(3, PORT, 5, 0, 17);
        assertEquals(0, redirectsAfter(threeTags, threeTags.length), "deeper VLAN nesting is not parsed");
        byte[] arp = udpFrame(0, PORT, 5, 0, 17);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(0, redirectsAfter(arp, arp.length));
        steering.unroutePort(PORT);
        byte[] unrouted = udpFrame(0, PORT, 5, 0, 17);
        assertEquals(0, redirectsAfter(unrouted, unrouted.length));
        steering.clearPortRange();
        byte[] ranged = udpFrame(0, 8042, 5, 0, 17);
        assertEquals(0, redirectsAfter(ranged, ranged.length));
    }

    @Test
    void truncatedFramesNeverReadPastTheEnd() {
        for (int tags = 0; tags <= 2; tags++) {
            byte[] frame = udpFrame(tags, PORT, 6, 0, 17);
            int headers = 14 + 4 * tags + 24 + 8;
            for (int length = 14; length < headers; length++) { // the kernel runs nothing shorter than Ethernet
                assertEquals(0, redirectsAfter(frame, length), "length " + length + ", tags " + tags);
            }
            assertEquals(1, redirectsAfter(frame, headers));
        }
    }

    @Test
    void randomGarbageIsPassedAndCounted() {
        Random random = new Random(3);
        byte[] frame = new byte[256];
        long seen = steering.stat(SteeringStat.SEEN);
        for (int i = 0; i < 20_000; i++) {
            random.nextBytes(frame);
            if (i % 2 == 0) {
                frame[12] = 0x08;
                frame[13] = 0x00;
            }
            XdpVerdict verdict = steering.testRun(frame, 14 + random.nextInt(200));
            assertTrue(verdict == XdpVerdict.PASS, verdict.toString());
        }
        assertEquals(seen + 20_000, steering.stat(SteeringStat.SEEN));
    }
}
