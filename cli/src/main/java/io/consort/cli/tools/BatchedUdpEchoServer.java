package io.consort.cli.tools;

import io.consort.xsk.packet.EchoReply;
import io.consort.xsk.udp.BatchedUdp;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The function-invoker echo over a kernel UDP socket, the optimised way: many requests per {@code recvmmsg},
 * the replies in place and back out with one {@code sendmmsg} (the thesis's multi-message echo server).
 */
final class BatchedUdpEchoServer {
    static final String HELP = String.join("\n",
        "udp-echo-batched: kernel UDP echo server, many datagrams per system call (recvmmsg/sendmmsg).",
        "Receives a batch of requests, reverses each payload and sends the batch back to the senders.",
        "",
        "  --bind IP:PORT     address to serve on (required), e.g. 10.77.1.2:7000",
        "  --batch N          datagrams per system call, at most 1024 (default 64)",
        "  --seconds N        stop after N seconds of measurement (default: run until killed)",
        "  --warmup N         seconds before measuring (default 1)",
        "Prints replies/s once a second and a RESULT line at the end.");
    static final Set<String> OPTIONS = Set.of("bind", "batch", "seconds", "warmup");
    static final Set<String> FLAGS = Set.of();
    private static final int SLOT = 2048;

    private BatchedUdpEchoServer() {
    }

    static int run(Args args) {
        InetSocketAddress bind = Endpoints.parse("bind", args.required("bind"));
        int batch = Math.max(1, Math.min(BatchedUdp.MAX_BATCH, args.integer("batch", 64)));
        RateReporter rate = new RateReporter("udp-echo-batched", System.out, args.integer("warmup", 1),
            args.integer("seconds", 0));
        UnsafeBuffer slots = new UnsafeBuffer(ByteBuffer.allocateDirect(batch * SLOT));
        long address = slots.addressOffset();
        int[] offsets = new int[batch];
        int[] lengths = new int[batch];
        int[] addresses = new int[batch];
        int[] ports = new int[batch];
        for (int i = 0; i < batch; i++) {
            offsets[i] = i * SLOT;
        }
        try (BatchedUdp socket = BatchedUdp.bind(bind.getAddress().getHostAddress(), bind.getPort(), false)) {
            socket.bufferSizes(4 << 20, 4 << 20);
            int loops = 0;
            while (true) {
                int n = socket.receive(address, SLOT, lengths, addresses, ports, batch, 0);
                long bytes = 0;
                for (int i = 0; i < n; i++) {
                    EchoReply.reversePayload(slots, offsets[i], lengths[i]);
                    bytes += lengths[i] + 42;
                }
                int sent = n == 0 ? 0 : socket.send(address, offsets, lengths, addresses, ports, n);
                rate.add(sent, bytes);
                if ((++loops & 0xFF) == 0 && !rate.tick()) {
                    break;
                }
            }
        }
        rate.finish();
        return 0;
    }
}
