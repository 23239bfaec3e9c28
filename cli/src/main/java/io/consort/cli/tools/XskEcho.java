package io.consort.cli.tools;

import io.consort.iovec.FramePool;
import io.consort.xsk.XskSocket;
import io.consort.xsk.packet.EchoReply;
import io.consort.xsk.packet.Ipv4Address;
import io.consort.xsk.packet.ParseCounts;
import io.consort.xsk.packet.ParseResult;
import io.consort.xsk.packet.UdpChecksumPolicy;
import io.consort.xsk.packet.UdpFrameParser;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The thesis's function invoker over AF_XDP: each request is parsed strictly, its payload reversed, its
 * addresses and ports swapped and its checksums recomputed in the frame it arrived in, and that same frame is
 * sent back: no copy, no allocation.
 */
final class XskEcho {
    static final String HELP = String.join("\n",
        "echo: the function-invoker echo over AF_XDP: reverse each request's payload, swap addresses, send back.",
        "",
        XskEndpoint.OPTIONS_HELP,
        "  --bind IP:PORT     address served (required); UDP to this port is steered to AF_XDP",
        "  --checksum P       UDP checksum policy for requests: verify, partial (default: also accept the",
        "                     unfinished checksum of kernel senders over a local veth) or ignore",
        "  --batch N          descriptors per ring operation (default 64)",
        "  --seconds N        measure for N seconds (default: until killed)",
        "  --warmup N         seconds before measuring (default 1)",
        "Prints replies/s once a second and a RESULT line at the end, with rejected requests by reason.");
    static final Set<String> OPTIONS = options();
    static final Set<String> FLAGS = Set.of();

    private XskEcho() {
    }

    private static Set<String> options() {
        Set<String> options = new HashSet<>(XskEndpoint.OPTIONS);
        options.addAll(Set.of("bind", "checksum", "batch", "seconds", "warmup"));
        return options;
    }

    static UdpChecksumPolicy checksumPolicy(Args args) {
        return switch (args.string("checksum", "partial")) {
            case "verify" -> UdpChecksumPolicy.VERIFY;
            case "partial" -> UdpChecksumPolicy.VERIFY_OR_PARTIAL;
            case "ignore" -> UdpChecksumPolicy.IGNORE;
            default -> throw new Args.UsageException("--checksum must be verify, partial or ignore");
        };
    }

    static int run(Args args) {
        InetSocketAddress bind = Endpoints.parse("bind", args.required("bind"));
        int batch = Math.max(1, Math.min(1024, args.integer("batch", 64)));
        UdpFrameParser parser = new UdpFrameParser()
            .localMac(Interfaces.macOf(args.required("interface")))
            .localIp(Ipv4Address.of(bind.getAddress()))
            .ports(bind.getPort(), bind.getPort())
            .checksumPolicy(checksumPolicy(args));
        RateReporter reporter = new RateReporter("echo", System.out, args.integer("warmup", 1),
            args.integer("seconds", 0));
        ParseCounts counts = new ParseCounts();
        try (XskEndpoint endpoint = new XskEndpoint(args, bind.getPort(), bind.getPort(), Integer.MAX_VALUE)) {
            serve(endpoint, parser, batch, counts, reporter);
            reporter.extra(endpoint.kernelDrops() + " rejected: " + counts.describeRejections());
        }
        reporter.finish();
        return 0;
    }

    private static void serve(XskEndpoint endpoint, UdpFrameParser parser, int batch, ParseCounts counts,
                              RateReporter reporter) {
        FramePool pool = endpoint.umem.pool();
        UnsafeBuffer buffer = pool.buffer();
        int[] offsets = new int[batch];
        int[] lengths = new int[batch];
        int[] replyOffsets = new int[batch];
        int[] replyLengths = new int[batch];
        int loops = 0;
        while (true) {
            for (XskSocket socket : endpoint.sockets) {
                int n = socket.receive(offsets, lengths, batch);
                int replies = 0;
                long bytes = 0;
                for (int i = 0; i < n; i++) {
                    if (counts.count(parser.parse(buffer, offsets[i], lengths[i])) == ParseResult.OK) {
                        EchoReply.turnAround(buffer, offsets[i], parser, true);
                        replyOffsets[replies] = offsets[i];
                        replyLengths[replies++] = lengths[i];
                        bytes += lengths[i];
                    } else {
                        pool.release(pool.frameOf(offsets[i]));
                    }
                }
                if (replies > 0) {
                    int sent = socket.send(replyOffsets, replyLengths, replies);
                    for (int i = sent; i < replies; i++) {
                        pool.release(pool.frameOf(replyOffsets[i]));
                    }
                    reporter.add(sent, bytes);
                } else if (n == 0) {
                    // Copy mode sends at most 32 frames per kick: finish what is queued while no request comes.
                    if (socket.pendingTransmit() > 0) {
                        socket.kick();
                    }
                    socket.reclaim();
                }
            }
            if ((++loops & 0xFF) == 0) {
                if (reporter.due()) {
                    reporter.extra(endpoint.kernelDrops() + " rejected: " + counts.describeRejections());
                }
                if (!reporter.tick()) {
                    return;
                }
            }
        }
    }
}
