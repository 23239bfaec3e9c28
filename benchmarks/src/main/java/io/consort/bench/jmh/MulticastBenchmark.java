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
 * The hot path of a reliable-fifo group of 3: one multicast from member 0's application ring to delivery at all
 * three members (the sender included), driving every member's duty cycle until it is delivered. The time is the
 * whole group's work for one message, so per member it is a third of it. Run with {@code -prof gc}: the stack
 * allocates nothing per message, so gc.alloc.rate.norm should be ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class MulticastBenchmark {
    @Param({"64", "1024"})
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
}
