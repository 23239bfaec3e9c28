package io.consort.bench.jmh;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.iovec.Iovec;
import io.consort.iovec.LeakDetector;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The iovec operations every packet goes through: pushing headers in front of a payload and pulling them off
 * again (no copy), a frame's acquire and release, and zero-copy slicing of a multi-frame message into fragments.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class IovecBenchmark {
    private static final int PAYLOAD = 64;
    private static final int FRAGMENTS = 32;
    private static final int FRAGMENT_LENGTH = 1400;

    private FramePool pool;
    private Iovec message;
    private Iovec large;
    private Iovec fragment;

    @Setup(Level.Trial)
    public void setUp() {
        pool = FramePool.allocate(new FramePoolConfig().frameCount(256).leakDetection(LeakDetector.Level.OFF));
        message = new Iovec(pool);
        message.appendOwned(pool.acquire(Account.SEND), pool.headroom(), PAYLOAD);
        large = new Iovec(pool);
        for (int i = 0; i < FRAGMENTS; i++) {
            large.appendOwned(pool.acquire(Account.SEND), pool.headroom(), FRAGMENT_LENGTH);
        }
        fragment = new Iovec(pool);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        message.clear();
        large.clear();
        fragment.clear();
        if (pool.inUse() != 0) {
            throw new IllegalStateException(pool.leakReport());
        }
        pool.close();
    }

    /** Three headers pushed and written as layers would going down, then pulled and read going up. */
    @Benchmark
    public long pushPullThreeHeaders() {
        UnsafeBuffer buffer = message.buffer();
        buffer.putByte(message.push(1), (byte) 1);
        buffer.putInt(message.push(5), 42);
        buffer.putLong(message.push(12), 7L);
        long sum = buffer.getLong(message.pull(12));
        sum += buffer.getInt(message.pull(5));
        sum += buffer.getByte(message.pull(1));
        return sum;
    }

    /** A one-frame message as the member builds it: acquire, append, push a header, then release it all. */
    @Benchmark
    public int acquirePushRelease() {
        Iovec iovec = fragment;
        iovec.appendOwned(pool.acquire(Account.SEND), pool.headroom(), PAYLOAD);
        int at = iovec.push(8);
        iovec.buffer().putLong(at, 1L);
        int length = iovec.length();
        iovec.clear();
        return length;
    }

    /** Cutting a 32-frame message into its fragments by sharing references, as frag does going down. */
    @Benchmark
    public int sliceIntoFragments() {
        int total = 0;
        for (int piece = 0; piece < FRAGMENTS; piece++) {
            fragment.appendShared(large.frame(piece), large.offset(piece), large.extentLength(piece));
            fragment.push(1);
            total += fragment.length();
            fragment.clear();
        }
        return total;
    }
}
