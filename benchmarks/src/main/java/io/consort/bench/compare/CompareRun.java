package io.consort.bench.compare;

import io.consort.bench.BenchGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * One cell of the comparison matrix, in a JVM of its own: a group of members in this JVM (Consort or JGroups, in
 * memory or over kernel UDP on loopback), one sender or all, one message size. Appends one CSV row.
 *
 * <ol>
 *   <li>Warm-up: the senders below run for the warm-up time, then the group drains.</li>
 *   <li>Latency (one-sender rows only), on the idle group: member 0 multicasts one message at a time and waits
 *       until every member has delivered it; the histogram holds that time, multicast to last delivery, in the
 *       JVM's one clock. The first fifth of the interval is not recorded.</li>
 *   <li>Throughput: sender threads multicast as fast as the toolkit takes messages (Consort pushes back, JGroups
 *       blocks in its flow control) for 300 ms, then a measured interval; delivered/s is deliveries at all
 *       members over the interval divided by the member count.</li>
 *   <li>Check: the senders stop and every member must deliver every message sent, in each sender's order.</li>
 * </ol>
 *
 * <pre>
 * CompareRun --system consort|jgroups --transport inmem|udp --size BYTES --senders one|all [--members 3]
 *     [--bundle] [--no-offload] [--counters] [--max-packet 1472] [--stack reliable-fifo] [--warmup-ms 1000] [--measure-ms 2000]
 *     [--latency-ms 1000] [--csv FILE] [--label NAME (the CSV's transport column, e.g. inmem/total)]
 * </pre>
 */
public final class CompareRun {
    static final String HEADER = "system,transport,bundling,jdk,members,senders,size,seconds,delivered_per_s,"
        + "mb_per_s,complete,misordered,retransmitted,latency_samples,p50_us,p90_us,p99_us,p999_us,max_us,"
        + "max_packet";
    private static final long DRAIN_NANOS = 20_000_000_000L;
    /** Senders run this long before the measured interval starts, so it starts in a steady state. */
    private static final long RESUME_MILLIS = 300;

    private CompareRun() {
    }

    public static void main(String[] args) throws Exception {
        String system = "consort";
        String transport = "inmem";
        String stack = "reliable-fifo";
        String label = null;
        String senders = "one";
        String csv = null;
        int size = 1024;
        int members = 3;
        int maxPacketLength = BenchGroup.MAX_PACKET_LENGTH;
        boolean bundle = false;
        boolean offload = true;
        boolean counters = false;
        long warmupMillis = 1000;
        long measureMillis = 2000;
        long latencyMillis = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--system" -> system = args[++i];
                case "--transport" -> transport = args[++i];
                case "--stack" -> stack = args[++i];
                case "--label" -> label = args[++i];
                case "--senders" -> senders = args[++i];
                case "--csv" -> csv = args[++i];
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--members" -> members = Integer.parseInt(args[++i]);
                case "--max-packet" -> maxPacketLength = Integer.parseInt(args[++i]);
                case "--bundle" -> bundle = true;
                case "--no-offload" -> offload = false;
                case "--counters" -> counters = true;
                case "--warmup-ms" -> warmupMillis = Long.parseLong(args[++i]);
                case "--measure-ms" -> measureMillis = Long.parseLong(args[++i]);
                case "--latency-ms" -> latencyMillis = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (size < Probe.LENGTH) {
            throw new IllegalArgumentException("messages carry a " + Probe.LENGTH + "-byte probe: --size >= "
                + Probe.LENGTH);
        }
        GroupUnderTest group = switch (system) {
            case "consort" -> new ConsortGroup(transport, members, size, maxPacketLength, offload, stack,
                bundle ? io.consort.layers.transport.BundlingTransport::wrap : factory -> factory);
            case "jgroups" -> new JGroupsGroup(transport, members);
            default -> throw new IllegalArgumentException("--system is consort or jgroups, not " + system);
        };
        int sending = senders.equals("all") ? members : 1;
        String row;
        try {
            long[] sent = new long[members];
            // Warm-up (the JIT compiles every path) and a drain, then latency while the group is idle, then the
            // measured throughput. Latency after the saturating run would measure toolkits still repaying flow
            // control credits; latency first would measure the interpreter.
            throughput(group, sending, size, warmupMillis, 0, sent);
            boolean warm = drain(group, sent);
            Histogram latency = new Histogram(3);
            if (sending == 1 && warm) {
                Thread.sleep(100);
                latency(group, size, latencyMillis, sent, latency);
            }
            double seconds = throughput(group, sending, size, RESUME_MILLIS, measureMillis, sent);
            long delivered = measuredDeliveries;
            boolean complete = drain(group, sent);
            long misordered = 0;
            for (int rank = 0; rank < members; rank++) {
                misordered += group.deliveries(rank).misordered();
            }
            long retransmitted = group instanceof ConsortGroup consort ? consort.counterSum("retransmitted") : -1;
            if (counters && group instanceof ConsortGroup consort) {
                System.err.print(consort.nonZeroCounters());
            }
            double perSecond = delivered / (double) members / seconds;
            row = String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%s,%d,%.3f,%.0f,%.2f,%s,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d",
                system, label != null ? label : transport, bundle ? "on" : "off", Runtime.version().feature(), members,
                senders, size,
                seconds, perSecond, perSecond * size / 1e6, complete, misordered, retransmitted,
                latency.getTotalCount(), micros(latency, 50), micros(latency, 90), micros(latency, 99),
                micros(latency, 99.9), latency.getTotalCount() == 0 ? 0.0 : latency.getMaxValue() / 1000.0,
                system.equals("consort") && !transport.equals("inmem") ? maxPacketLength : 0);
        } finally {
            group.close();
        }
        System.out.println(row);
        if (csv != null) {
            Path path = Path.of(csv);
            boolean fresh = !Files.exists(path) || Files.size(path) == 0;
            Files.writeString(path, (fresh ? HEADER + "\n" : "") + row + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.exit(0); // JGroups and runner threads may linger; the row is written
    }

    private static long measuredDeliveries;

    /** Runs the senders through warm-up and measurement; returns the measured seconds; fills in what each sent. */
    private static double throughput(GroupUnderTest group, int sending, int size, long warmupMillis,
                                     long measureMillis, long[] sent) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread[] threads = new Thread[sending];
        for (int rank = 0; rank < sending; rank++) {
            int me = rank;
            threads[rank] = new Thread(() -> {
                long seqno = sent[me]; // member 0 goes on from the latency phase
                while (running.get()) {
                    if (group.multicast(me, seqno, size)) {
                        seqno++;
                    } else {
                        Thread.yield();
                    }
                }
                sent[me] = seqno;
            }, "sender-" + rank);
            threads[rank].start();
        }
        Thread.sleep(warmupMillis);
        long before = total(group);
        long start = System.nanoTime();
        Thread.sleep(measureMillis);
        long after = total(group);
        long end = System.nanoTime();
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        measuredDeliveries = after - before;
        return (end - start) / 1e9;
    }

    private static long total(GroupUnderTest group) {
        long sum = 0;
        for (int rank = 0; rank < group.size(); rank++) {
            sum += group.deliveries(rank).total();
        }
        return sum;
    }

    /** Waits until every member delivered everything sent; false if that takes longer than the drain limit. */
    private static boolean drain(GroupUnderTest group, long[] sent) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (System.nanoTime() < deadline) {
            if (allDelivered(group, sent, sent.length)) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    private static boolean allDelivered(GroupUnderTest group, long[] sent, int origins) {
        for (int rank = 0; rank < group.size(); rank++) {
            for (int origin = 0; origin < origins; origin++) {
                if (group.deliveries(rank).from(origin) < sent[origin]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** One message in flight from member 0: multicast, wait until all delivered it, record the time. */
    private static void latency(GroupUnderTest group, int size, long millis, long[] sent, Histogram histogram) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long warmEnd = System.nanoTime() + millis * 200_000L;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            while (!group.multicast(0, sent[0], size)) {
                Thread.onSpinWait();
            }
            sent[0]++;
            long spinLimit = start + 1_000_000_000L;
            while (!allDelivered(group, sent, 1)) {
                if (System.nanoTime() > spinLimit) {
                    return; // a lost message would show in the check; do not hang the run
                }
                Thread.onSpinWait();
            }
            long now = System.nanoTime();
            if (start > warmEnd) {
                histogram.recordValue(now - start);
            }
        }
    }

    private static double micros(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0.0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

}
