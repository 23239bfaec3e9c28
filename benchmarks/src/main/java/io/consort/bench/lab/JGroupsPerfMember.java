package io.consort.bench.lab;

import io.consort.cli.perf.PerfResult;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.pbcast.NAKACK2;

/**
 * One JGroups member process measuring what one {@code consort perf} process measures: it joins a JGroups cluster
 * over UDP multicast (jgroups-udp.xml, bound to {@code --bind}), waits for a view of {@code --members}, and then each
 * sender multicasts numbered, timestamped, checksummed messages at full speed (JGroups' MFC/UFC are the only brake)
 * for warmup + duration seconds and a final message with its count. Every member counts the deliveries inside its
 * measurement window and records one-way latency (delivery minus send time, both System.nanoTime(): valid because
 * all processes run on one host). When it has every sender's stream it says so and leaves once all members have,
 * so none leaves a peer waiting for a retransmission. Writes one consort perf CSV row ({@link PerfResult}) and its
 * latency histogram; exit status 1 on any loss, duplicate, corruption or timeout.
 *
 * <pre>JGroupsPerfMember --index I --members N --bind IP --senders all|0,1 --size B --warmup S --duration S
 *                   --timeout S --cluster NAME --mcast-port P --output FILE.csv --histogram-log FILE.hlog</pre>
 */
public final class JGroupsPerfMember {
    static final String CONFIG = "jgroups-udp.xml";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final LabOptions options;
    private volatile long sent;
    private volatile long sentInWindow;
    private volatile boolean senderFinished;
    private volatile Throwable senderFailure;

    private JGroupsPerfMember(LabOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        LabOptions options = LabOptions.parse(args);
        // jgroups-udp.xml reads these: bind to this namespace's address, and a multicast port of this run's own.
        System.setProperty("java.net.preferIPv4Stack", "true");
        System.setProperty("jgroups.bind_addr", options.text("bind"));
        System.setProperty("jgroups.udp.mcast_port", options.text("mcast-port"));
        System.exit(new JGroupsPerfMember(options).run());
    }

    private int run() throws Exception {
        int index = options.integer("index");
        int count = options.integer("members");
        boolean[] senders = LabOptions.senders(options.text("senders"), count);
        int size = options.integer("size");
        double warmup = options.seconds("warmup");
        double duration = options.seconds("duration");
        double timeout = options.seconds("timeout");
        String name = options.text("bind");
        LabReceiver receiver = new LabReceiver(senders);
        List<String> failures = new ArrayList<>();
        Histogram latency = new Histogram(1, LabReceiver.HIGHEST_LATENCY_NANOS, 3);
        try (JChannel channel = new JChannel(CONFIG).name("m" + index)) {
            channel.setReceiver(receiver);
            channel.connect(options.text("cluster"));
            say(String.format(Locale.ROOT, "jgroups perf: member %s (%d of %d) over UDP multicast; %s; %d-byte"
                + " messages; waiting for a view of %d", name, index, count, senders[index] ? "sending"
                : "receiving only", size, count));
            long deadline = System.nanoTime() + (long) (timeout * SECOND);
            while (receiver.view() == null || receiver.view().size() < count) {
                if (System.nanoTime() > deadline) {
                    failures.add("the view reached only " + receiver.view() + " of " + count + " members within "
                        + timeout + " s");
                    break;
                }
                Thread.sleep(5);
            }
            if (failures.isEmpty()) {
                measure(channel, receiver, index, senders[index], size, warmup, duration, timeout, latency, failures);
            }
            long retransmissions = channel.getProtocolStack().findProtocol(NAKACK2.class) instanceof NAKACK2 nak
                ? nak.getXmitResponsesSent() : 0;
            long blocked = channel.getProtocolStack().findProtocol(MFC.class) instanceof MFC mfc
                ? mfc.getNumberOfBlockings() : 0;
            latency.add(receiver.latency().getIntervalHistogram());
            if (senderFailure != null) {
                failures.add("sending failed: " + senderFailure);
            }
            if (receiver.shrank()) {
                failures.add("a member left the view during the run (suspected while alive?)");
            }
            String verdict = receiver.verdict();
            if (verdict != null) {
                failures.add(verdict);
            }
            double[] percentiles = PerfResult.percentilesMicros(latency);
            PerfResult result = new PerfResult(name, senders[index], failures.isEmpty(),
                "jgroups-udp", CONFIG, size, LabOptions.count(senders), warmup, duration, sent,
                sentInWindow / duration, receiver.delivered(), receiver.announced(), receiver.inWindow(),
                receiver.inWindow() / duration, receiver.bytesInWindow() / 1e6 / duration, receiver.lost(),
                receiver.duplicates(), receiver.corrupt(), retransmissions, blocked, latency.getTotalCount(),
                percentiles[0], percentiles[1], percentiles[2], percentiles[3],
                failures.isEmpty() ? null : String.join("; ", failures));
            say(String.format(Locale.ROOT, "result %s: %s; sent %d, delivered %d (%.0f msgs/s in the window), p50 %.1f"
                + " us, p99 %.1f us", name, result.passed() ? "PASS" : "FAIL: " + result.failure(), sent,
                receiver.delivered(), result.messagesPerSecond(), percentiles[0], percentiles[1]));
            write(result, latency);
            return result.passed() ? 0 : 1;
        }
    }

    private void measure(JChannel channel, LabReceiver receiver, int index, boolean sends, int size, double warmup,
                         double duration, double timeout, Histogram latency, List<String> failures)
        throws Exception {
        long start = System.nanoTime();
        long windowStart = start + (long) (warmup * SECOND);
        long windowEnd = windowStart + (long) (duration * SECOND);
        long drainDeadline = windowEnd + (long) (timeout * SECOND);
        receiver.window(windowStart, windowEnd);
        say("view " + receiver.view().getViewId() + " has " + receiver.view().size() + " members: warming up "
            + warmup + " s, then measuring " + duration + " s");
        if (sends) {
            Thread sender = new Thread(() -> send(channel, index, size, start, windowStart, windowEnd), "perf-sender");
            sender.setDaemon(true);
            sender.start();
        } else {
            senderFinished = true;
        }
        Histogram interval = null;
        long tick = start + SECOND;
        long lastDelivered = 0;
        long lastBytes = 0;
        long lastSent = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= windowEnd && senderFinished && receiver.settled()) {
                break;
            }
            if (senderFailure != null) {
                break; // its final message will not come: no use waiting for it
            }
            if (now > drainDeadline) {
                failures.add("gave up waiting for every sender's last message " + timeout + " s after the end");
                break;
            }
            if (now < tick) {
                Thread.sleep(Math.max(1, Math.min(10, (tick - now) / 1_000_000)));
                continue;
            }
            interval = receiver.latency().getIntervalHistogram(interval);
            latency.add(interval);
            long delivered = receiver.delivered();
            long bytes = receiver.bytes();
            long sentNow = sent;
            long middle = now - SECOND / 2;
            String phase = middle < windowStart ? "warmup" : middle < windowEnd ? "measure" : "drain";
            say(String.format(Locale.ROOT, "m%-3d %5.1f s %-7s delivered %9d msgs/s %8.2f MB/s  sent %9d msgs/s"
                    + "  latency p99 %s", index, (now - start) / 1e9, phase, delivered - lastDelivered,
                (bytes - lastBytes) / 1e6, sentNow - lastSent, interval.getTotalCount() == 0 ? "-"
                    : String.format(Locale.ROOT, "%.1f us", interval.getValueAtPercentile(99) / 1e3)));
            lastDelivered = delivered;
            lastBytes = bytes;
            lastSent = sentNow;
            tick += SECOND;
        }
        // Leave only when every member has every stream: a member that left early could not retransmit.
        byte[] done = LabMessage.template(index, LabMessage.HEADER);
        LabMessage.stamp(done, index, LabMessage.DONE, 0, System.nanoTime());
        channel.send(new BytesMessage(null, done));
        long doneDeadline = System.nanoTime() + (long) (timeout * SECOND);
        while (!receiver.allDone() && System.nanoTime() < doneDeadline) {
            Thread.sleep(5);
        }
        if (!receiver.allDone()) {
            failures.add("not every member said it had every stream within " + timeout + " s");
        }
    }

    /** Multicasts as fast as JGroups takes them; each message a fresh array, as JGroups may retransmit it later. */
    private void send(JChannel channel, int index, int size, long start, long windowStart, long end) {
        byte[] template = LabMessage.template(index, size);
        long count = 0;
        try {
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                byte[] bytes = template.clone();
                LabMessage.stamp(bytes, index, LabMessage.DATA, count, now);
                channel.send(new BytesMessage(null, bytes));
                count++;
                sent = count;
                if (now >= windowStart) {
                    sentInWindow = sentInWindow + 1;
                }
            }
            byte[] last = template.clone();
            LabMessage.stamp(last, index, LabMessage.FINAL, count, System.nanoTime());
            channel.send(new BytesMessage(null, last));
        } catch (Throwable e) {
            senderFailure = e;
        } finally {
            senderFinished = true;
        }
    }

    private void write(PerfResult result, Histogram latency) throws Exception {
        Files.writeString(Path.of(options.text("output")), PerfResult.csvHeader() + "\n" + result.csvRow() + "\n",
            StandardCharsets.UTF_8);
        try (PrintStream log = new PrintStream(Path.of(options.text("histogram-log")).toFile(),
            StandardCharsets.UTF_8)) {
            HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputLogFormatVersion();
            writer.outputIntervalHistogram(latency);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
