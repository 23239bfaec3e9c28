package io.consort.bench.jmh;

import io.consort.bench.BenchGroup;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A message larger than a packet, through frag: 64 KiB laid out over ~45 frames, fragmented going down
 * (zero-copy: each frame becomes a fragment), reassembled going up by chaining frames, and gathered into one
 * buffer for the handler. As a multicast to all 3 members and as a send to one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class FragBenchmark {
    @Param({"65536"})
    int size;

    private BenchGroup group;

    @Setup(Level.Trial)
    public void setUp() {
        group = new BenchGroup(3, size, GroupState.TICK_NANOS, "reliable-fifo");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        GroupState.close(group);
    }

    @Benchmark
    public int multicast() {
        return GroupState.multicast(group, size);
    }

    @Benchmark
    public int send() {
        return GroupState.send(group, size);
    }
}
