package io.consort.cli.tools;

import io.consort.iovec.FramePool;
import io.consort.xsk.XskSocket;
import io.consort.xsk.packet.ParseCounts;
import io.consort.xsk.packet.UdpChecksumPolicy;
import io.consort.xsk.packet.UdpFrameParser;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receives UDP packets steered to AF_XDP and drops them, counting packets/s, Gb/s and the kernel's drop
 * counters. With {@code --parse} every frame also goes through the strict parser and rejections are counted
 * by reason.
 */
final class RxDrop {
    static final String HELP = String.join("\n",
        "rxdrop: receive UDP packets over AF_XDP and drop them; count pps, Gb/s and kernel drops.",
        "",
        XskEndpoint.OPTIONS_HELP,
        "  --ports LOW-HIGH   UDP destination ports steered to the sockets (default 1-65535)",
        "  --batch N          descriptors per ring operation (default 64)",
        "  --parse            parse every frame strictly and count rejections by reason",
        "  --seconds N        measure for N seconds (default: until killed)",
        "  --warmup N         seconds before measuring (default 1)",
        "Prints a line per second (with rx_dropped, rx_ring_full, fill_empty) and a RESULT line at the end.");
    static final Set<String> OPTIONS = options();
    static final Set<String> FLAGS = Set.of("parse");

    private RxDrop() {
    }

    private static Set<String> options() {
        Set<String> options = new HashSet<>(XskEndpoint.OPTIONS);
        options.addAll(Set.of("ports", "batch", "seconds", "warmup"));
        return options;
    }

    static int[] portRange(Args args, String fallback) {
        String text = args.string("ports", fallback);
        String[] parts = text.split("-");
        try {
            int low = Integer.parseInt(parts[0]);
            int high = parts.length > 1 ? Integer.parseInt(parts[1]) : low;
            if (parts.length > 2 || low < 1 || high > 65535 || low > high) {
                throw new NumberFormatException();
            }
            return new int[] {low, high};
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--ports must be PORT or LOW-HIGH within 1-65535, was '" + text + "'");
        }
    }

    static int run(Args args) {
        int[] ports = portRange(args, "1-65535");
        int batch = Math.max(1, Math.min(1024, args.integer("batch", 64)));
        boolean parse = args.has("parse");
        RateReporter reporter = new RateReporter("rxdrop", System.out, args.integer("warmup", 1),
            args.integer("seconds", 0));
        ParseCounts counts = new ParseCounts();
        try (XskEndpoint endpoint = new XskEndpoint(args, ports[0], ports[1], Integer.MAX_VALUE)) {
            receive(endpoint, batch, parse, counts, reporter);
            reporter.extra(endpoint.kernelDrops() + (parse ? " rejected: " + counts.describeRejections() : ""));
        }
        reporter.finish();
        return 0;
    }

    private static void receive(XskEndpoint endpoint, int batch, boolean parse, ParseCounts counts,
                                RateReporter reporter) {
        FramePool pool = endpoint.umem.pool();
        UnsafeBuffer buffer = pool.buffer();
        UdpFrameParser parser = new UdpFrameParser().checksumPolicy(UdpChecksumPolicy.VERIFY_OR_PARTIAL);
        int[] offsets = new int[batch];
        int[] lengths = new int[batch];
        int loops = 0;
        while (true) {
            for (XskSocket socket : endpoint.sockets) {
                int n = socket.receive(offsets, lengths, batch);
                long bytes = 0;
                for (int i = 0; i < n; i++) {
                    bytes += lengths[i];
                    if (parse) {
                        counts.count(parser.parse(buffer, offsets[i], lengths[i]));
                    }
                    pool.release(pool.frameOf(offsets[i]));
                }
                reporter.add(n, bytes);
            }
            if ((++loops & 0xFF) == 0) {
                if (reporter.due()) {
                    reporter.extra(endpoint.kernelDrops());
                }
                if (!reporter.tick()) {
                    return;
                }
            }
        }
    }
}
