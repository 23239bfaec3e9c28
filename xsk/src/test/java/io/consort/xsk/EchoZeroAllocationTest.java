package io.consort.xsk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.LeakDetector;
import io.consort.testsupport.Allocations;
import io.consort.xsk.bpf.AttachMode;
import io.consort.xsk.bpf.XdpSteering;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.packet.EchoReply;
import io.consort.xsk.packet.ParseResult;
import io.consort.xsk.packet.UdpChecksumPolicy;
import io.consort.xsk.packet.UdpFrameParser;
import io.consort.xsk.packet.UdpFrameWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The AF_XDP hot path allocates nothing: a client socket in one namespace writes requests with
 * {@link UdpFrameWriter}, a server socket in the other parses them strictly, turns them around with
 * {@link EchoReply} and sends the same frames back, and the client parses the replies; fill, rx, tx and
 * completion rings all turn over. After a warm-up, the thread's allocated-bytes counter must not move while
 * hundreds of thousands of round trips go through (one allocation per packet would be megabytes).
 */
class EchoZeroAllocationTest {
    private static final int CLIENT_PORT = 40100;
    private static final int SERVER_PORT = 9400;
    private static final int PAYLOAD = 64;
    private static final int WARMUP = 50_000;
    private static final int MEASURED = 300_000;
    /** A lazily linked call site or class initialised late may allocate once; a per-packet cost cannot hide. */
    private static final long ONE_OFF_BYTES = 1024;
    private static final int ROUNDS = 3;

    private final int batch = 64;
    private final int[] offsets = new int[batch];
    private final int[] lengths = new int[batch];
    private final int[] replyOffsets = new int[batch];
    private final int[] replyLengths = new int[batch];

    @Test
    void echoRoundTripsAllocateNothing() throws Exception {
        VethPair.assumeUsable();
        // Leak detection off, as in production: strict mode (the tests' default) records a stack trace per acquire.
        UmemConfig config = new UmemConfig().framePool(new FramePoolConfig().frameSize(2048).frameCount(4096)
                .leakDetection(LeakDetector.Level.OFF))
            .fillRingSize(1024).completionRingSize(1024);
        try (VethPair net = VethPair.create()) {
            End clientEnd = End.open(net.a, VethPair.A_IF, CLIENT_PORT, config);
            End serverEnd = End.open(net.b, VethPair.B_IF, SERVER_PORT, config);
            XskSocket client = clientEnd.socket;
            XskSocket server = serverEnd.socket;
            UdpFrameWriter writer = new UdpFrameWriter(VethPair.A_MAC, VethPair.A_IP, CLIENT_PORT);
            UdpFrameParser serverParser = new UdpFrameParser().localMac(VethPair.B_MAC).localIp(VethPair.B_IP)
                .ports(SERVER_PORT, SERVER_PORT).checksumPolicy(UdpChecksumPolicy.VERIFY);
            UdpFrameParser clientParser = new UdpFrameParser().localMac(VethPair.A_MAC).localIp(VethPair.A_IP)
                .ports(CLIENT_PORT, CLIENT_PORT).checksumPolicy(UdpChecksumPolicy.VERIFY);
            Counts counts = new Counts();

            roundTrips(WARMUP, client, server, writer, serverParser, clientParser, counts);
            long repliesBefore = counts.replies;
            long allocated = Allocations.fewestBytes(ROUNDS,
                () -> roundTrips(MEASURED / ROUNDS, client, server, writer, serverParser, clientParser, counts));
            long measured = counts.replies - repliesBefore;

            assertEquals(0, counts.rejected, "every request and reply parsed strictly");
            assertTrue(measured > MEASURED / 2, "round trips went through: " + measured + " of " + MEASURED
                + "; client " + client.counters() + ", server " + server.counters());
            assertTrue(allocated < ONE_OFF_BYTES, allocated + " bytes allocated in the fewest of " + ROUNDS
                + " rounds while " + measured + " round trips went through");
            clientEnd.close();
            serverEnd.close();
            assertEquals(0, clientEnd.umem.pool().inUse(), clientEnd.umem.pool().leakReport());
            assertEquals(0, serverEnd.umem.pool().inUse(), serverEnd.umem.pool().leakReport());
        }
    }

    /** A UMEM with one socket in {@code ns}, and the steering program sending {@code port} to it. */
    private record End(Umem umem, XskSocket socket, XdpSteering steering) {
        static End open(NetNamespace ns, String ifname, int port, UmemConfig config) {
            try (NetNamespace.Scope in = ns.enter()) {
                Umem umem = Umem.allocate(config);
                XskSocket socket = XskSocket.open(umem, new XskSocketConfig(ifname, 0).bindMode(BindMode.COPY));
                XdpSteering steering = XdpSteering.attach(ifname, AttachMode.NATIVE);
                steering.routePort(port, 0);
                steering.addSocket(0, socket);
                return new End(umem, socket, steering);
            }
        }

        void close() {
            steering.close();
            umem.close();
        }
    }

    private static final class Counts {
        long requests;
        long replies;
        long rejected;
    }

    /**
     * Runs until {@code target} requests were sent and their replies came back, or until the replies stop
     * coming (copy mode on veth may drop under overload; the kernel counts it). Everything here is primitive.
     */
    private void roundTrips(int target, XskSocket client, XskSocket server, UdpFrameWriter writer,
                            UdpFrameParser serverParser, UdpFrameParser clientParser, Counts counts) {
        FramePool clientPool = client.umem().pool();
        FramePool serverPool = server.umem().pool();
        UnsafeBuffer clientBuffer = clientPool.buffer();
        UnsafeBuffer serverBuffer = serverPool.buffer();
        long sentHere = 0;
        long idleSince = System.nanoTime();
        long goal = counts.replies + target;
        while (counts.replies < goal && System.nanoTime() - idleSince < 2_000_000_000L) {
            int n = 0;
            while (n < batch && sentHere < target && counts.requests - counts.replies < 512) {
                int frame = clientPool.acquire(Account.SEND);
                if (frame == FramePool.NO_FRAME) {
                    break;
                }
                int payload = clientPool.frameOffset(frame) + clientPool.headroom();
                clientBuffer.putLong(payload, counts.requests + n);
                offsets[n] = writer.write(clientBuffer, payload, PAYLOAD, VethPair.B_MAC, VethPair.B_IP, SERVER_PORT);
                lengths[n] = UdpFrameWriter.HEADERS_LENGTH + PAYLOAD;
                n++;
            }
            int accepted = n == 0 ? 0 : client.send(offsets, lengths, n);
            for (int i = accepted; i < n; i++) {
                clientPool.release(clientPool.frameOf(offsets[i]));
            }
            counts.requests += accepted;
            sentHere += accepted;

            int requests = server.receive(offsets, lengths, batch);
            int replies = 0;
            for (int i = 0; i < requests; i++) {
                if (serverParser.parse(serverBuffer, offsets[i], lengths[i]) == ParseResult.OK) {
                    EchoReply.turnAround(serverBuffer, offsets[i], serverParser, true);
                    replyOffsets[replies] = offsets[i];
                    replyLengths[replies++] = lengths[i];
                } else {
                    counts.rejected++;
                    serverPool.release(serverPool.frameOf(offsets[i]));
                }
            }
            int echoed = replies == 0 ? 0 : server.send(replyOffsets, replyLengths, replies);
            for (int i = echoed; i < replies; i++) {
                serverPool.release(serverPool.frameOf(replyOffsets[i]));
            }
            server.flush();
            client.flush();

            int got = client.receive(offsets, lengths, batch);
            for (int i = 0; i < got; i++) {
                if (clientParser.parse(clientBuffer, offsets[i], lengths[i]) != ParseResult.OK) {
                    counts.rejected++;
                }
                clientPool.release(clientPool.frameOf(offsets[i]));
            }
            counts.replies += got;
            if (got > 0 || accepted > 0) {
                idleSince = System.nanoTime();
            }
            if (sentHere >= target && got == 0 && counts.requests == counts.replies) {
                return;
            }
        }
        // Lost requests (counted by the kernel) would leave the window open: forget them for the next phase.
        counts.requests = counts.replies;
    }
}
