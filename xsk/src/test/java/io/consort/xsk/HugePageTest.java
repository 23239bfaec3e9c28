package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.SteeringStat;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A UMEM backed by 2 MiB huge pages: the kernel really maps it with huge pages, packets move both ways through
 * a socket bound over it, and every frame is back in the pool after close. Reserves the pages it needs through
 * {@code /proc/sys/vm/nr_hugepages} and always restores the original value.
 */
class HugePageTest {
    private static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final long HUGE_PAGE = 2L << 20;
    private static final int FRAME_SIZE = 2048;
    private static final int FRAME_COUNT = 4096;          // 8 MiB: four huge pages
    private static final int PORT = 9400;

    @Test
    void packetsMoveThroughAHugePageUmem() throws Exception {
        VethPair.assumeUsable();
        long pageKb = hugePageSizeKb();
        Assumptions.assumeTrue(pageKb == HUGE_PAGE >> 10,
            () -> "the default huge page size here is " + pageKb + " kB, the UMEM uses 2 MiB pages");
        long needed = (long) FRAME_SIZE * FRAME_COUNT / HUGE_PAGE;
        String original = Files.readString(NR_HUGEPAGES).trim();
        try {
            long free = meminfo("HugePages_Free");
            if (free < needed) {
                long target = Long.parseLong(original) + needed - free;
                try {
                    Files.writeString(NR_HUGEPAGES, Long.toString(target));
                } catch (IOException e) {
                    Assumptions.abort("cannot write " + NR_HUGEPAGES + " (" + e + "): huge pages cannot be reserved");
                }
                long got = meminfo("HugePages_Free");
                Assumptions.assumeTrue(got >= needed, () -> "the kernel gave only " + got + " free huge pages of the "
                    + needed + " needed (nr_hugepages " + original + " -> " + target + "): memory too fragmented?");
            }
            runOverHugePages(needed);
        } finally {
            Files.writeString(NR_HUGEPAGES, original);
        }
        assertEquals(original, Files.readString(NR_HUGEPAGES).trim(), "nr_hugepages restored");
    }

    private static void runOverHugePages(long needed) throws Exception {
        UmemConfig config = new UmemConfig().hugePages(true)
            .framePool(new FramePoolConfig().frameSize(FRAME_SIZE).frameCount(FRAME_COUNT))
            .fillRingSize(2048).completionRingSize(2048);
        try (VethPair net = VethPair.create();
             DatagramChannel kernelSide = TransmitReceiveTest.open(net.b, "10.77.1.2", PORT)) {
            Umem umem;
            XskSocket socket;
            XdpSteering steering;
            try (NetNamespace.Scope in = net.a.enter()) {
                umem = Umem.allocate(config);
                socket = XskSocket.open(umem, new XskSocketConfig(VethPair.A_IF, 0).bindMode(BindMode.COPY));
                steering = XdpSteering.attach(VethPair.A_IF, AttachMode.NATIVE);
                steering.routePort(PORT, 0);
                steering.addSocket(0, socket);
            }
            FramePool pool = umem.pool();
            long address = pool.region().address();
            assertEquals(0, address % HUGE_PAGE, "a huge-page mapping starts on a 2 MiB boundary");
            Mapping mapping = mapping(address);
            assertEquals(HUGE_PAGE >> 10, mapping.kernelPageSizeKb, "KernelPageSize of the UMEM mapping: " + mapping);
            assertEquals(needed * (HUGE_PAGE >> 10), mapping.hugetlbKb, "huge pages populated: " + mapping);

            // Java -> kernel: AF_XDP tx from the huge-page frames to a kernel UDP socket in b.
            int count = 100;
            int[] offsets = new int[count];
            int[] lengths = new int[count];
            RawFrames.textPackets(pool, "huge ", PORT, PORT, offsets, lengths);
            int sent = 0;
            while (sent < count) {
                sent += socket.send(TransmitReceiveTest.shift(offsets, sent), TransmitReceiveTest.shift(lengths, sent),
                    count - sent);
                socket.flush();
            }
            ByteBuffer datagram = ByteBuffer.allocate(2048);
            for (int i = 0; i < count; i++) {
                datagram.clear();
                InetSocketAddress from = (InetSocketAddress) TransmitReceiveTest.receiveWithin(kernelSide, datagram, 5000);
                datagram.flip();
                assertEquals("huge " + i, StandardCharsets.US_ASCII.decode(datagram).toString());
                assertEquals("10.77.1.1", from.getAddress().getHostAddress());
            }

            // kernel -> Java: a UDP socket in b sends, the XDP program redirects into the huge-page UMEM.
            int back = 300;
            for (int i = 0; i < back; i++) {
                kernelSide.send(ByteBuffer.wrap(("back " + i).getBytes(StandardCharsets.US_ASCII)),
                    new InetSocketAddress("10.77.1.1", PORT));
            }
            boolean[] seen = new boolean[back];
            int received = 0;
            int[] rxOffsets = new int[64];
            int[] rxLengths = new int[64];
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (received < back && System.nanoTime() < deadline) {
                socket.awaitReceive(100);
                int n = socket.receive(rxOffsets, rxLengths, rxOffsets.length);
                for (int i = 0; i < n; i++) {
                    assertTrue(rxOffsets[i] >= 0 && rxOffsets[i] < FRAME_SIZE * FRAME_COUNT, "offset inside the UMEM");
                    String text = TransmitReceiveTest.payload(pool.buffer(), rxOffsets[i], rxLengths[i]);
                    assertTrue(text.startsWith("back "), text);
                    int index = Integer.parseInt(text.substring(5));
                    assertFalse(seen[index], "packet " + index + " received twice");
                    seen[index] = true;
                    pool.release(pool.frameOf(rxOffsets[i]));
                }
                received += n;
            }
            assertEquals(back, received, "packets received over the huge-page UMEM");
            assertEquals(back, steering.stat(SteeringStat.REDIRECTED));
            assertEquals(count, socket.counters().txPackets());
            assertTrue(umem.framesInKernel() > 0, "fill ring holds frames before close");

            steering.close();
            umem.close();
            assertEquals(0, pool.inUse(), pool.leakReport());
            assertEquals(0, umem.framesInKernel());
            org.junit.jupiter.api.Assertions.assertNull(findMapping(address), "the huge-page mapping is gone after close");
        }
    }

    private static long hugePageSizeKb() throws IOException {
        return meminfo("Hugepagesize");
    }

    private static long meminfo(String key) throws IOException {
        for (String line : Files.readAllLines(MEMINFO)) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(key + " not in " + MEMINFO);
    }

    record Mapping(String header, long kernelPageSizeKb, long hugetlbKb) {
    }

    private static Mapping mapping(long address) throws IOException {
        Mapping found = findMapping(address);
        assertTrue(found != null, "no mapping at 0x" + Long.toHexString(address) + " in /proc/self/smaps");
        return found;
    }

    /** The /proc/self/smaps entry starting at {@code address}, or null. */
    private static Mapping findMapping(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        String start = Long.toHexString(address) + "-";
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith(start)) {
                continue;
            }
            long pageSize = -1;
            long hugetlb = 0;
            for (int j = i + 1; j < lines.size() && !lines.get(j).matches("^[0-9a-f]+-[0-9a-f]+ .*"); j++) {
                String line = lines.get(j);
                if (line.startsWith("KernelPageSize:")) {
                    pageSize = kb(line);
                } else if (line.startsWith("Private_Hugetlb:") || line.startsWith("Shared_Hugetlb:")) {
                    hugetlb += kb(line);
                }
            }
            return new Mapping(lines.get(i), pageSize, hugetlb);
        }
        return null;
    }

    private static long kb(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split("\\s+")[0]);
    }
}
