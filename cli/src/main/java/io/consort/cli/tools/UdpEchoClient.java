package io.consort.cli.tools;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Load generator for the echo servers over a kernel UDP socket: keeps up to a window of requests in flight,
 * counts and checks replies. Needs no privileges; the AF_XDP client ({@link XskEchoClient}) pushes harder.
 */
final class UdpEchoClient {
    static final String HELP = String.join("\n",
        "udp-client: kernel UDP load generator for the echo servers; counts and checks replies.",
        "",
        "  --server IP:PORT   echo server (required), e.g. 10.77.1.2:7000",
        "  --bind IP:PORT     local address (default: any)",
        "  --size N           Ethernet frame bytes per request, headers included (default 200; payload = N - 42)",
        "  --window N         requests in flight at most (default 256)",
        "  --seconds N        measure for N seconds (default 5)",
        "  --warmup N         seconds before measuring (default 1)",
        "Prints replies/s once a second and a RESULT line at the end.");
    static final Set<String> OPTIONS = Set.of("server", "bind", "size", "window", "seconds", "warmup");
    static final Set<String> FLAGS = Set.of();
    /** With nothing back for this long, requests in flight are taken as lost and the window reopens. */
    private static final long LOSS_TIMEOUT_NANOS = 5_000_000L;

    private UdpEchoClient() {
    }

    static int run(Args args) throws Exception {
        InetSocketAddress server = Endpoints.parse("server", args.required("server"));
        int payload = args.integer("size", 200) - 42;
        if (payload < EchoPayload.MIN_LENGTH) {
            throw new Args.UsageException("--size must be at least " + (42 + EchoPayload.MIN_LENGTH));
        }
        int window = args.integer("window", 256);
        RateReporter rate = new RateReporter("udp-client", System.out, args.integer("warmup", 1),
            args.integer("seconds", 5));
        ByteBuffer request = ByteBuffer.allocateDirect(payload);
        ByteBuffer reply = ByteBuffer.allocateDirect(65536);
        UnsafeBuffer requestBytes = new UnsafeBuffer(request);
        UnsafeBuffer replyBytes = new UnsafeBuffer(reply);
        long sequence = 0;
        long bad = 0;
        int inFlight = 0;
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            if (args.has("bind")) {
                channel.bind(Endpoints.parse("bind", args.string("bind", null)));
            }
            channel.configureBlocking(false);
            long lastReply = System.nanoTime();
            int loops = 0;
            while (true) {
                while (inFlight < window) {
                    EchoPayload.write(requestBytes, 0, payload, sequence);
                    request.clear();
                    if (channel.send(request, server) == 0) {
                        break;
                    }
                    sequence++;
                    inFlight++;
                }
                reply.clear();
                SocketAddress from = channel.receive(reply);
                if (from != null) {
                    inFlight--;
                    lastReply = System.nanoTime();
                    if (EchoPayload.isReply(replyBytes, 0, reply.position(), payload)) {
                        rate.add(1, payload + 42);
                    } else {
                        bad++;
                    }
                } else if (System.nanoTime() - lastReply > LOSS_TIMEOUT_NANOS) {
                    inFlight = 0;
                    lastReply = System.nanoTime();
                }
                if ((++loops & 0xFF) == 0) {
                    if (rate.due()) {
                        rate.extra("sent " + sequence + " bad " + bad);
                    }
                    if (!rate.tick()) {
                        break;
                    }
                }
            }
        }
        rate.extra("sent=" + sequence + " bad=" + bad);
        rate.finish();
        return bad == 0 ? 0 : 1;
    }
}
