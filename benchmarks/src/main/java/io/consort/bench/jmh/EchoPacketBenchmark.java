package io.consort.bench.jmh;

import io.consort.xsk.packet.EchoReply;
import io.consort.xsk.packet.MacAddress;
import io.consort.xsk.packet.ParseResult;
import io.consort.xsk.packet.UdpChecksumPolicy;
import io.consort.xsk.packet.UdpFrameParser;
import io.consort.xsk.packet.UdpFrameWriter;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The AF_XDP echo server's per-packet work without the kernel: strict parsing (MACs, IP header checksum, UDP
 * checksum verified) and the turnaround (payload reversed, addresses swapped, checksums recomputed), on an
 * off-heap frame as in a UMEM. Each operation first copies a fresh request into the frame, as the kernel's
 * copy-mode receive does; {@link #copyOnly} measures that copy alone, so the difference is the echo's own work.
 * Run with {@code -prof gc}: 0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class EchoPacketBenchmark {
    private static final long CLIENT_MAC = MacAddress.parse("02:00:00:77:00:01");
    private static final long SERVER_MAC = MacAddress.parse("02:00:00:77:00:02");
    private static final int CLIENT_IP = 0x0A4D0001;
    private static final int SERVER_IP = 0x0A4D0002;
    private static final int CLIENT_PORT = 40000;
    private static final int SERVER_PORT = 7000;
    private static final int FRAME_INDEX = 256;

    /** Ethernet frame bytes without FCS, as in {@code xsk-bench.sh}. */
    @Param({"64", "200", "800", "1400"})
    public int frameSize;

    private UnsafeBuffer frame;
    private UnsafeBuffer request;
    private UdpFrameParser server;

    @Setup(Level.Trial)
    public void setUp() {
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        int payloadIndex = FRAME_INDEX + UdpFrameWriter.HEADERS_LENGTH;
        int payload = frameSize - UdpFrameWriter.HEADERS_LENGTH;
        for (int i = 0; i < payload; i++) {
            frame.putByte(payloadIndex + i, (byte) i);
        }
        new UdpFrameWriter(CLIENT_MAC, CLIENT_IP, CLIENT_PORT)
            .write(frame, payloadIndex, payload, SERVER_MAC, SERVER_IP, SERVER_PORT);
        request = new UnsafeBuffer(ByteBuffer.allocateDirect(frameSize));
        request.putBytes(0, frame, FRAME_INDEX, frameSize);
        server = new UdpFrameParser().localMac(SERVER_MAC).localIp(SERVER_IP).ports(SERVER_PORT, SERVER_PORT)
            .checksumPolicy(UdpChecksumPolicy.VERIFY);
    }

    @Benchmark
    public int copyOnly() {
        frame.putBytes(FRAME_INDEX, request, 0, frameSize);
        return frame.getByte(FRAME_INDEX);
    }

    @Benchmark
    public int copyParseTurnAround() {
        frame.putBytes(FRAME_INDEX, request, 0, frameSize);
        if (server.parse(frame, FRAME_INDEX, frameSize) != ParseResult.OK) {
            throw new IllegalStateException("request rejected");
        }
        EchoReply.turnAround(frame, FRAME_INDEX, server, true);
        return server.payloadLength();
    }
}
