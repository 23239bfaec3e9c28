package io.consort.cli.tools;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.xsk.XskSocket;
import io.consort.xsk.packet.Ipv4Address;
import io.consort.xsk.packet.MacAddress;
import io.consort.xsk.packet.UdpFrameWriter;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends UDP packets of one size over AF_XDP as fast as the rings take them, or at a given rate. Every frame of
 * the UMEM is written once at start (as ocaml-xsk's udp_pkt_gen and the C reference do), so the loop measures
 * the ring work: acquire frames, put descriptors on the tx ring, kick, reclaim completions.
 */
final class TxGen {
    static final String HELP = String.join("\n",
        "txgen: send UDP packets of one size over AF_XDP at full speed or at a given rate.",
        "",
        XskEndpoint.OPTIONS_HELP,
        "  --src IP:PORT      source address (required)",
        "  --dst IP:PORT      destination address (required)",
        "  --src-mac MAC      source MAC (default: the interface's)",
        "  --dst-mac MAC      destination MAC (default: the kernel's neighbour entry for the destination)",
        "  --size N           Ethernet frame bytes, headers included, 60..2048 (default 64)",
        "  --rate PPS         packets per second (default 0: as fast as possible)",
        "  --batch N          descriptors per ring operation (default 64)",
        "  --seconds N        measure for N seconds (default 5)",
        "  --warmup N         seconds before measuring (default 1)",
        "Counts packets the kernel completed; prints a line per second and a RESULT line at the end.");
    static final Set<String> OPTIONS = options();
    static final Set<String> FLAGS = Set.of();

    private TxGen() {
    }

    private static Set<String> options() {
        Set<String> options = new HashSet<>(XskEndpoint.OPTIONS);
        options.addAll(Set.of("src", "dst", "src-mac", "dst-mac", "size", "rate", "batch", "seconds", "warmup"));
        return options;
    }

    static int run(Args args) throws Exception {
        InetSocketAddress src = Endpoints.parse("src", args.required("src"));
        InetSocketAddress dst = Endpoints.parse("dst", args.required("dst"));
        String device = args.required("interface");
        int size = args.integer("size", 64);
        if (size < 60 || size > 2048 - 128) {
            throw new Args.UsageException("--size must be 60.." + (2048 - 128));
        }
        long rate = args.longValue("rate", 0);
        int batch = Math.max(1, Math.min(1024, args.integer("batch", 64)));
        int dstIp = Ipv4Address.of(dst.getAddress());
        long srcMac = args.has("src-mac") ? MacAddress.parse(args.string("src-mac", null))
            : Interfaces.macOf(device);
        long dstMac = Interfaces.neighbourMac(args, "dst-mac", dstIp, device);
        RateReporter reporter = new RateReporter("txgen", System.out, args.integer("warmup", 1),
            args.integer("seconds", 5));
        try (XskEndpoint endpoint = new XskEndpoint(args, 0, 0, 64)) {
            FramePool pool = endpoint.umem.pool();
            UnsafeBuffer buffer = pool.buffer();
            int payload = size - UdpFrameWriter.HEADERS_LENGTH;
            int packetStart = pool.headroom();
            UdpFrameWriter writer = new UdpFrameWriter(srcMac, Ipv4Address.of(src.getAddress()), src.getPort());
            for (int frame = 0; frame < pool.frameCount(); frame++) {
                int payloadIndex = pool.frameOffset(frame) + packetStart + UdpFrameWriter.HEADERS_LENGTH;
                for (int i = 0; i < payload; i++) {
                    buffer.putByte(payloadIndex + i, (byte) i);
                }
                writer.write(buffer, payloadIndex, payload, dstMac, dstIp, dst.getPort());
            }
            send(endpoint.sockets, pool, packetStart, size, batch, rate, reporter);
            for (XskSocket socket : endpoint.sockets) {
                socket.flush();
            }
            reporter.extra(endpoint.kernelDrops());
        }
        reporter.finish();
        return 0;
    }

    private static void send(XskSocket[] sockets, FramePool pool, int packetStart, int size, int batch, long rate,
                             RateReporter reporter) {
        int[] offsets = new int[batch];
        int[] lengths = new int[batch];
        Arrays.fill(lengths, size);
        long start = System.nanoTime();
        long queued = 0;
        long completed = 0;
        int loops = 0;
        do {
            for (XskSocket socket : sockets) {
                int want = batch;
                if (rate > 0) {
                    long due = (System.nanoTime() - start) * rate / 1_000_000_000L - queued;
                    want = (int) Math.max(0, Math.min(batch, due));
                }
                int n = 0;
                while (n < want) {
                    int frame = pool.acquire(Account.SEND);
                    if (frame == FramePool.NO_FRAME) {
                        break;
                    }
                    offsets[n++] = pool.frameOffset(frame) + packetStart;
                }
                int accepted = socket.send(offsets, lengths, n);
                for (int i = accepted; i < n; i++) {
                    pool.release(pool.frameOf(offsets[i]));
                }
                queued += accepted;
            }
            if ((++loops & 0x3F) == 0) {
                long done = 0;
                for (XskSocket socket : sockets) {
                    done += socket.counters().completions();
                }
                reporter.add(done - completed, (done - completed) * size);
                completed = done;
            }
        } while ((loops & 0x3F) != 0 || reporter.tick());
    }
}
