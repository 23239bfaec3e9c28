package io.consort.bench;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.View;
import io.consort.stacks.StackDescription;
import io.consort.transport.UdpTransport;
import io.consort.transport.UdpTransportConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

/**
 * What an idle member costs: N members of a stack (default 3 of {@code vsync}) over kernel UDP on 127.0.0.1,
 * each on its own {@link AgentRunner} with an idle strategy that parks, join through their seed addresses and
 * form one view; then nobody sends anything, and after a settling period the benchmark measures, per member,
 * the CPU time of its duty-cycle thread (as a percentage of one core), the packets it sent and received per
 * second (its UDP transport's counters) and its duty cycles per second, and which layers sent what. Beside
 * them, during the same measurement, one more runner with the same idle strategy runs an agent that does
 * nothing: the floor, what the idle strategy's wake-ups cost on this machine whatever the agent does.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.consort.bench.IdleCost [--members 3] [--stack vsync] [--seconds 10] [--settle-seconds 2]
 *     [--idle backoff|sleep] [--max-park-us 1000] [--verbose]
 * </pre>
 */
public final class IdleCost {
    private static final int GROUP = 0x1D1E;
    /** Counters worth showing: what each layer sent while idle. */
    private static final String[] SENT_BY = {
        "stable gossip sent", "suspect heartbeats sent", "slander sent", "pt2pt acks sent", "pt2pt retransmitted",
        "mnak naks sent", "gmp probes sent"};

    private IdleCost() {
    }

    static final class Options {
        int members = 3;
        String stack = "vsync";
        double seconds = 10;
        double settleSeconds = 2;
        String idle = "backoff";
        long maxParkMicros = 1000;
        boolean verbose;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--members":
                        options.members = Integer.parseInt(value(args, ++i, arg));
                        if (options.members < 2 || options.members > 32) {
                            throw new IllegalArgumentException("--members takes 2 to 32");
                        }
                        break;
                    case "--stack":
                        options.stack = value(args, ++i, arg);
                        break;
                    case "--seconds":
                        options.seconds = Double.parseDouble(value(args, ++i, arg));
                        break;
                    case "--settle-seconds":
                        options.settleSeconds = Double.parseDouble(value(args, ++i, arg));
                        break;
                    case "--idle":
                        options.idle = value(args, ++i, arg);
                        if (!options.idle.equals("backoff") && !options.idle.equals("sleep")) {
                            throw new IllegalArgumentException("--idle takes backoff or sleep, not " + options.idle);
                        }
                        break;
                    case "--max-park-us":
                        options.maxParkMicros = Long.parseLong(value(args, ++i, arg));
                        if (options.maxParkMicros < 1) {
                            throw new IllegalArgumentException("--max-park-us must be at least 1");
                        }
                        break;
                    case "--verbose":
                        options.verbose = true;
                        break;
                    case "--help":
                    case "-h":
                        throw new IllegalArgumentException("usage");
                    default:
                        throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (options.seconds <= 0 || options.settleSeconds < 0) {
                throw new IllegalArgumentException("--seconds must be positive and --settle-seconds not negative");
            }
            return options;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        IdleStrategy idleStrategy() {
            if (idle.equals("sleep")) {
                return new SleepingMillisIdleStrategy(Math.max(1, maxParkMicros / 1000));
            }
            return new BackoffIdleStrategy(10, 5, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MICROSECONDS.toNanos(maxParkMicros));
        }

        String describeIdle() {
            return idle.equals("sleep") ? "SleepingMillisIdleStrategy(" + Math.max(1, maxParkMicros / 1000) + " ms)"
                : "BackoffIdleStrategy(10 spins, 5 yields, park 1 us .. " + maxParkMicros + " us)";
        }
    }

    /** One member's figures over the measurement. */
    static final class Sample {
        long cpuNanos;
        long sent;
        long received;
        long dutyCycles;
        long[] sentBy = new long[SENT_BY.length];

        static Sample of(com.sun.management.ThreadMXBean threads, Member member) {
            Sample sample = new Sample();
            Thread duty = member.agent().dutyThread();
            sample.cpuNanos = duty == null ? 0 : threads.getThreadCpuTime(duty.getId());
            sample.sent = member.counters().value("udp sent");
            sample.received = member.counters().value("udp received");
            sample.dutyCycles = member.counters().value("member duty cycles");
            for (int i = 0; i < SENT_BY.length; i++) {
                sample.sentBy[i] = Math.max(0, member.counters().value(SENT_BY[i]));
            }
            return sample;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!"usage".equals(e.getMessage())) {
                System.err.println(e.getMessage());
            }
            System.err.println("usage: IdleCost [--members N] [--stack DESC] [--seconds S] [--settle-seconds S]"
                + " [--idle backoff|sleep] [--max-park-us N] [--verbose]");
            System.exit(2);
            return;
        }
        System.exit(run(options) ? 0 : 1);
    }

    static boolean run(Options options) throws Exception {
        int n = options.members;
        InetSocketAddress[] addresses = new InetSocketAddress[n];
        for (int address = 0; address < n; address++) {
            addresses[address] = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        }
        int[] seeds = new int[n];
        for (int address = 0; address < n; address++) {
            seeds[address] = address;
        }
        StackDescription stack = StackDescription.parse(options.stack);
        MessageHandler quiet = new MessageHandler() {
            @Override
            public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
            }
        };
        Member[] members = new Member[n];
        AgentRunner[] runners = new AgentRunner[n];
        Thread[] floorThread = new Thread[1];
        AgentRunner floor = new AgentRunner(options.idleStrategy(), Throwable::printStackTrace, null, new Agent() {
            @Override
            public int doWork() {
                floorThread[0] = Thread.currentThread();
                return 0;
            }

            @Override
            public String roleName() {
                return "idle-floor";
            }
        });
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf("Consort idle cost: %d members of %s over kernel UDP on 127.0.0.1 (unicast fan-out), one"
            + " AgentRunner each, %s%n", n, options.stack, options.describeIdle());
        System.out.printf("%s, %s %s, %d cpus, load average %.2f%n",
            LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME), System.getProperty("java.vm.name"),
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
            os.getSystemLoadAverage());
        try {
            for (int address = 0; address < n; address++) {
                members[address] = Member.join(GROUP, new Endpoint(address, 1), seeds,
                    new MemberConfig().maxGroupSize(n), stack::layers,
                    UdpTransport.factory(new UdpTransportConfig().members(address, addresses)), quiet,
                    SystemNanoClock.INSTANCE);
                runners[address] = new AgentRunner(options.idleStrategy(), Throwable::printStackTrace, null,
                    members[address].agent());
                AgentRunner.startOnThread(runners[address]);
            }
            long formStart = System.nanoTime();
            if (!awaitOneView(members, TimeUnit.SECONDS.toNanos(30))) {
                System.out.println("FAIL: no single view of all " + n + " members within 30 s");
                for (Member member : members) {
                    System.out.println("  " + member.endpoint() + " " + member.view());
                }
                return false;
            }
            System.out.printf("one view of %d formed in %.0f ms: %s%n", n, (System.nanoTime() - formStart) / 1e6,
                members[0].view());
            AgentRunner.startOnThread(floor);
            Thread.sleep((long) (options.settleSeconds * 1000));
            long floorCpuBefore = threads.getThreadCpuTime(floorThread[0].getId());
            Sample[] before = new Sample[n];
            for (int i = 0; i < n; i++) {
                before[i] = Sample.of(threads, members[i]);
            }
            long processCpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            Thread.sleep((long) (options.seconds * 1000));
            long elapsed = System.nanoTime() - start;
            long processCpu = os.getProcessCpuTime() - processCpuBefore;
            long floorCpu = threads.getThreadCpuTime(floorThread[0].getId()) - floorCpuBefore;
            Sample[] after = new Sample[n];
            for (int i = 0; i < n; i++) {
                after[i] = Sample.of(threads, members[i]);
            }
            View first = members[0].view();
            boolean stillOne = true;
            for (Member member : members) {
                stillOne &= member.view().id().equals(first.id()) && member.view().size() == n;
            }
            report(options, members, before, after, elapsed, processCpu, floorCpu);
            if (!stillOne) {
                System.out.println("FAIL: the view changed while idle");
                for (Member member : members) {
                    System.out.println("  " + member.endpoint() + " " + member.view());
                }
            }
            return stillOne;
        } finally {
            floor.close();
            for (int i = 0; i < n; i++) {
                if (members[i] != null) {
                    members[i].close();
                }
                if (runners[i] != null) {
                    runners[i].close();
                }
            }
        }
    }

    private static void report(Options options, Member[] members, Sample[] before, Sample[] after, long elapsed,
                               long processCpu, long floorCpu) {
        double seconds = elapsed / 1e9;
        System.out.printf(Locale.ROOT, "idle for %.1f s after %.1f s of settling%n%n", seconds,
            options.settleSeconds);
        System.out.printf("%-8s %10s %10s %10s %12s   %s%n", "member", "cpu %core", "sent/s", "recv/s",
            "duty cyc/s", "sent by layer, per second");
        for (int i = 0; i < members.length; i++) {
            Sample from = before[i];
            Sample to = after[i];
            StringBuilder layers = new StringBuilder();
            for (int k = 0; k < SENT_BY.length; k++) {
                long delta = to.sentBy[k] - from.sentBy[k];
                if (delta > 0) {
                    layers.append(layers.length() == 0 ? "" : ", ").append(SENT_BY[k]).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f", delta / seconds));
                }
            }
            System.out.printf(Locale.ROOT, "%-8s %10.3f %10.1f %10.1f %12.0f   %s%n", members[i].endpoint(),
                100.0 * (to.cpuNanos - from.cpuNanos) / elapsed, (to.sent - from.sent) / seconds,
                (to.received - from.received) / seconds, (to.dutyCycles - from.dutyCycles) / seconds,
                layers.length() == 0 ? "-" : layers);
        }
        System.out.printf(Locale.ROOT, "%-8s %10.3f   (the same idle strategy running an agent that does nothing)%n",
            "floor", 100.0 * floorCpu / elapsed);
        System.out.printf(Locale.ROOT, "%nwhole process (JVM and floor included): %.3f %% of a core%n",
            100.0 * processCpu / elapsed);
        System.out.println("cpu %core: the member's duty-cycle thread's CPU time (ThreadMXBean) over wall time;"
            + " sent/s, recv/s: its UDP transport's datagrams (a multicast is one datagram per other member);"
            + " sent by layer: messages, before the fan-out.");
        if (options.verbose) {
            for (Member member : members) {
                System.out.print(member.counters().dump());
            }
        }
    }

    private static boolean awaitOneView(Member[] members, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            View first = members[0].view();
            boolean one = true;
            for (Member member : members) {
                View view = member.view();
                one &= view.size() == members.length && view.id().equals(first.id())
                    && !member.agent().isBlocked();
            }
            if (one) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }
}
