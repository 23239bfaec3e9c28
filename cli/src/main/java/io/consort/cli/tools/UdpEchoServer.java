package io.consort.cli.tools;

import io.consort.xsk.packet.EchoReply;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The function-invoker echo over a kernel UDP socket, the simple way: one {@code recvfrom} and one
 * {@code sendto} per request (the thesis's unoptimised implementation). The batched way is
 * {@link BatchedUdpEchoServer}.
 */
final class UdpEchoServer {
    static final String HELP = String.join("\n",
        "udp-echo: kernel UDP echo server, one datagram per system call (the thesis's simple function invoker).",
        "Receives each request, reverses its payload and sends it back to the sender.",
        "",
        "  --bind IP:PORT     address to serve on (required), e.g. 10.77.1.2:7000",
        "  --seconds N        stop after N seconds of measurement (default: run until killed)",
        "  --warmup N         seconds before measuring (default 1)",
        "Prints replies/s once a second and a RESULT line at the end.");
    static final Set<String> OPTIONS = Set.of("bind", "seconds", "warmup");
    static final Set<String> FLAGS = Set.of();

    private UdpEchoServer() {
    }

    static int run(Args args) throws Exception {
        InetSocketAddress bind = Endpoints.parse("bind", args.required("bind"));
        RateReporter rate = new RateReporter("udp-echo", System.out, args.integer("warmup", 1), args.integer("seconds", 0));
        ByteBuffer datagram = ByteBuffer.allocateDirect(65536);
        UnsafeBuffer bytes = new UnsafeBuffer(datagram);
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.bind(bind);
            // Non-blocking and spinning, like the AF_XDP tools, so that one thread also reports each second.
            channel.configureBlocking(false);
            int idle = 0;
            while (true) {
                datagram.clear();
                SocketAddress client = channel.receive(datagram);
                if (client == null) {
                    if ((++idle & 0xFF) == 0 && !rate.tick()) {
                        break;
                    }
                    continue;
                }
                int length = datagram.position();
                EchoReply.reversePayload(bytes, 0, length);
                datagram.flip();
                channel.send(datagram, client);
                rate.add(1, length + 42);
                if ((++idle & 0xFF) == 0 && !rate.tick()) {
                    break;
                }
            }
        }
        rate.finish();
        return 0;
    }
}
