package io.consort.cli.tools;

import io.consort.iovec.FramePoolConfig;
import io.consort.xsk.BindMode;
import io.consort.xsk.Umem;
import io.consort.xsk.UmemConfig;
import io.consort.xsk.XskSocket;
import io.consort.xsk.XskSocketConfig;
import io.consort.xsk.XskStatistics;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.SteeringStat;
import io.consort.xsk.bpf.XdpSteering;
import java.util.Set;

/**
 * What every AF_XDP tool sets up: one UMEM, one socket per queue sharing it, and (for tools that receive)
 * Consort's XDP program steering a UDP port range to those sockets. Closed in reverse order.
 */
final class XskEndpoint implements AutoCloseable {
    static final String OPTIONS_HELP = String.join("\n",
        "  --interface IF     interface to bind (required)",
        "  --queues N         sockets on queues 0..N-1, one thread serving them all (default 1)",
        "  --xdp-mode M       skb (generic, default) or native",
        "  --frames N         UMEM frames of 2048 bytes (default 16384)",
        "  --ring N           rx and tx ring size; fill and completion rings get twice as many (default 4096)");
    static final Set<String> OPTIONS = Set.of("interface", "queues", "xdp-mode", "frames", "ring");

    final Umem umem;
    final XskSocket[] sockets;
    private final XdpSteering steering;
    private final XskStatistics statistics = new XskStatistics();

    /**
     * @param lowPort first UDP destination port to steer to the sockets, or 0 to receive nothing
     * @param receiveFrames frames the fill rings may hold (RECEIVE account); the rest are for sending
     */
    XskEndpoint(Args args, int lowPort, int highPort, int receiveFrames) {
        String interfaceName = args.required("interface");
        int queues = args.integer("queues", 1);
        int frames = args.integer("frames", 16384);
        int ring = args.integer("ring", 4096);
        AttachMode mode = switch (args.string("xdp-mode", "skb")) {
            case "skb" -> AttachMode.SKB;
            case "native" -> AttachMode.NATIVE;
            default -> throw new Args.UsageException("--xdp-mode must be skb or native");
        };
        // The tools use no control frames; the pool's accounts must still add up to its frames.
        int control = 16;
        int receive = Math.max(1, Math.min(frames - 2 * control, receiveFrames));
        FramePoolConfig pool = new FramePoolConfig().frameSize(2048).frameCount(frames).headroom(128)
            .controlLimit(control).receiveLimit(receive).sendLimit(frames - receive - control);
        // Copy mode completes a send only once the receiver consumed the copy, so frames linger on the
        // completion side: twice the rx/tx size kept an echo server's fill ring from running dry.
        umem = Umem.allocate(new UmemConfig().framePool(pool).fillRingSize(2 * ring).completionRingSize(2 * ring));
        sockets = new XskSocket[queues];
        XdpSteering attached = null;
        try {
            for (int q = 0; q < queues; q++) {
                sockets[q] = XskSocket.open(umem, new XskSocketConfig(interfaceName, q).bindMode(BindMode.COPY)
                    .rxRingSize(ring).txRingSize(ring));
            }
            if (lowPort > 0) {
                attached = XdpSteering.attach(interfaceName, mode);
                attached.routePortRange(lowPort, highPort, 0);
                for (XskSocket socket : sockets) {
                    attached.addSocket(0, socket);
                }
            }
        } catch (RuntimeException e) {
            if (attached != null) {
                attached.close();
            }
            umem.close();
            throw e;
        }
        steering = attached;
    }

    /** Kernel drop counters and transmit kicks of all sockets, summed, for the per-second line. */
    String kernelDrops() {
        long dropped = 0;
        long ringFull = 0;
        long fillEmpty = 0;
        long kicks = 0;
        long kickRetries = 0;
        for (XskSocket socket : sockets) {
            kicks += socket.counters().kicks();
            kickRetries += socket.counters().kickRetries();
            socket.statistics(statistics);
            dropped += statistics.rxDropped();
            ringFull += statistics.rxRingFull();
            fillEmpty += statistics.fillRingEmpty();
        }
        String steered = steering == null ? "" : " xdp_redirected=" + steering.stat(SteeringStat.REDIRECTED)
            + " xdp_passed=" + steering.stat(SteeringStat.PASSED);
        return "rx_dropped=" + dropped + " rx_ring_full=" + ringFull + " fill_empty=" + fillEmpty + " kicks=" + kicks
            + " kick_retries=" + kickRetries + steered;
    }

    @Override
    public void close() {
        if (steering != null) {
            steering.close();
        }
        umem.close();
    }
}
