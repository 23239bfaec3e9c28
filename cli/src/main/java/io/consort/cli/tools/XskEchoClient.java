package io.consort.cli.tools;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.xsk.XskSocket;
import io.consort.xsk.packet.Ipv4Address;
import io.consort.xsk.packet.ParseResult;
import io.consort.xsk.packet.UdpChecksumPolicy;
import io.consort.xsk.packet.UdpFrameParser;
import io.consort.xsk.packet.UdpFrameWriter;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Load generator for the echo servers over AF_XDP: keeps up to a window of requests in flight (each with a
 * sequence number, built and checksummed per request), and counts replies that parse and are the request
 * reversed. Works against every echo server, AF_XDP or kernel UDP.
 */
final class XskEchoClient {
    static final String HELP = String.join("\n",
        "echo-client: AF_XDP load generator for the echo servers; counts and checks replies.",
        "",
        XskEndpoint.OPTIONS_HELP,
        "  --src IP:PORT      local address (required); replies to this port are steered to AF_XDP",
        "  --dst IP:PORT      echo server (required)",
        "  --dst-mac MAC      server MAC (default: the kernel's neighbour entry)",
        "  --size N           Ethernet frame bytes per request, headers included (default 200)",
        "  --window N         requests in flight at most (default 256)",
        "  --batch N          descriptors per ring operation (default 64)",
        "  --seconds N        measure for N seconds (default 5)",
        "  --warmup N         seconds before measuring (default 1)",
        "Prints replies/s once a second and a RESULT line at the end (bad = replies that failed the check).");
    static final Set<String> OPTIONS = options();
    static final Set<String> FLAGS = Set.of();
    private static final long LOSS_TIMEOUT_NANOS = 5_000_000L;

    private XskEchoClient() {
    }

    private static Set<String> options() {
        Set<String> options = new HashSet<>(XskEndpoint.OPTIONS);
        options.addAll(Set.of("src", "dst", "dst-mac", "size", "window", "batch", "seconds", "warmup"));
        return options;
    }

    static int run(Args args) throws Exception {
        InetSocketAddress src = Endpoints.parse("src", args.required("src"));
        InetSocketAddress dst = Endpoints.parse("dst", args.required("dst"));
        String device = args.required("interface");
        int size = args.integer("size", 200);
        int payload = size - UdpFrameWriter.HEADERS_LENGTH;
        if (payload < EchoPayload.MIN_LENGTH || size > 2048 - 128) {
            throw new Args.UsageException("--size must be " + (UdpFrameWriter.HEADERS_LENGTH + EchoPayload.MIN_LENGTH)
                + ".." + (2048 - 128));
        }
        int srcIp = Ipv4Address.of(src.getAddress());
        int dstIp = Ipv4Address.of(dst.getAddress());
        long srcMac = Interfaces.macOf(device);
        Load load = new Load();
        load.window = args.integer("window", 256);
        load.batch = Math.max(1, Math.min(1024, args.integer("batch", 64)));
        load.payload = payload;
        load.dstMac = Interfaces.neighbourMac(args, "dst-mac", dstIp, device);
        load.dstIp = dstIp;
        load.dstPort = dst.getPort();
        load.writer = new UdpFrameWriter(srcMac, srcIp, src.getPort());
        // Replies from a kernel UDP server over a local veth carry an unfinished checksum.
        load.parser = new UdpFrameParser().localMac(srcMac).localIp(srcIp).ports(src.getPort(), src.getPort())
            .checksumPolicy(UdpChecksumPolicy.VERIFY_OR_PARTIAL);
        RateReporter reporter = new RateReporter("echo-client", System.out, args.integer("warmup", 1),
            args.integer("seconds", 5));
        int frames = args.integer("frames", 16384);
        try (XskEndpoint endpoint = new XskEndpoint(args, src.getPort(), src.getPort(), frames / 2)) {
            load.run(endpoint.sockets[0], reporter);
            reporter.extra("sent=" + load.sequence + " bad=" + load.bad + " " + endpoint.kernelDrops());
        }
        reporter.finish();
        return load.bad == 0 ? 0 : 1;
    }

    /** The client's state and loop; one socket (queue 0). */
    private static final class Load {
        int window;
        int batch;
        int payload;
        long dstMac;
        int dstIp;
        int dstPort;
        UdpFrameWriter writer;
        UdpFrameParser parser;
        long sequence;
        long bad;

        void run(XskSocket socket, RateReporter reporter) {
            FramePool pool = socket.umem().pool();
            UnsafeBuffer buffer = pool.buffer();
            int[] offsets = new int[batch];
            int[] lengths = new int[batch];
            int inFlight = 0;
            long lastReply = System.nanoTime();
            int loops = 0;
            while (true) {
                int n = socket.receive(offsets, lengths, batch);
                for (int i = 0; i < n; i++) {
                    if (parser.parse(buffer, offsets[i], lengths[i]) == ParseResult.OK
                        && EchoPayload.isReply(buffer, parser.payloadIndex(), parser.payloadLength(), payload)) {
                        reporter.add(1, lengths[i]);
                    } else {
                        bad++;
                    }
                    pool.release(pool.frameOf(offsets[i]));
                }
                inFlight = Math.max(0, inFlight - n);
                if (n > 0) {
                    lastReply = System.nanoTime();
                } else if (System.nanoTime() - lastReply > LOSS_TIMEOUT_NANOS) {
                    inFlight = 0;
                    lastReply = System.nanoTime();
                }
                inFlight += sendRequests(socket, pool, buffer, offsets, lengths, Math.min(batch, window - inFlight));
                if ((++loops & 0xFF) == 0 && !reporter.tick()) {
                    return;
                }
            }
        }

        private int sendRequests(XskSocket socket, FramePool pool, UnsafeBuffer buffer, int[] offsets,
                                 int[] lengths, int want) {
            int n = 0;
            while (n < want) {
                int frame = pool.acquire(Account.SEND);
                if (frame == FramePool.NO_FRAME) {
                    break;
                }
                int payloadIndex = pool.frameOffset(frame) + pool.headroom() + UdpFrameWriter.HEADERS_LENGTH;
                EchoPayload.write(buffer, payloadIndex, payload, sequence + n);
                offsets[n] = writer.write(buffer, payloadIndex, payload, dstMac, dstIp, dstPort);
                lengths[n++] = UdpFrameWriter.HEADERS_LENGTH + payload;
            }
            int accepted = socket.send(offsets, lengths, n);
            for (int i = accepted; i < n; i++) {
                pool.release(pool.frameOf(offsets[i]));
            }
            if (n == 0 && socket.pendingTransmit() > 0) {
                socket.kick();
            }
            sequence += accepted;
            return accepted;
        }
    }
}
