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
 * One point-to-point message in a reliable-fifo group of 3, from member 0's application ring to delivery at
 * member 1 (pt2pt sequencing, the periodic acknowledgement and flow credit included), all members' duty cycles
 * driven until it arrives.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class SendBenchmark {
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
    public int send() {
        return GroupState.send(group, size);
    }
}
