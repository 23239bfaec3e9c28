package io.consort.cli.perf;

import io.consort.cli.member.AddressBook;
import io.consort.cli.member.Placement;
import io.consort.cli.member.ProcessStacks;
import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.TransportFactory;
import io.consort.stacks.StackDescription;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.CountersReader;

/**
 * One perf process: joins the group as one member, waits for {@code --expect} members, sends (if it is a sender)
 * through warmup and the measured duration, then waits until every sender's final message has come (or
 * {@code --timeout} passes), leaves the group, and reports.
 */
final class PerfRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Incarnations count seconds from 2020: a restarted process at the same address comes back larger. */
    private static final long INCARNATION_EPOCH_SECONDS = 1_577_836_800L;
    private static final int DEFAULT_GROUP = 49375;

    private final PerfCommand options;
    private final PrintWriter out;
    private final AtomicReference<Throwable> dutyFailure = new AtomicReference<>();
    private final AtomicReference<Throwable> caughtError = new AtomicReference<>();
    private Member member;
    private AgentRunner runner;
    private PerfSender sender;
    private PerfReceiver receiver;
    private boolean closed;

    PerfRun(PerfCommand options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    int run() throws IOException, InterruptedException {
        AddressBook book = addressBook();
        int count = book.addresses().length;
        int expect = options.expect != null ? options.expect : count;
        if (expect > count) {
            throw new IllegalArgumentException("--expect " + expect + " is more than the " + count
                + " members of --members");
        }
        boolean[] senders = PerfCommand.senders(options.senders, count);
        int self = book.self();
        String name = book.label(self);
        StackDescription description = ProcessStacks.describe(options.stack, null);
        DeliveryCheck check = new DeliveryCheck(senders, options.size);
        receiver = new PerfReceiver(check, count, expect);
        TransportFactory transport = options.network.factory(options.transport, book, options.lab != null);
        int incarnation = (int) (System.currentTimeMillis() / 1000 - INCARNATION_EPOCH_SECONDS);
        member = Member.join(options.group != null ? options.group : DEFAULT_GROUP, new Endpoint(self, incarnation),
            book.seeds(), memberConfig(count), description::layers, transport, receiver, SystemNanoClock.INSTANCE);
        runner = new AgentRunner(Placement.idleStrategy(options.idle, TimeUnit.MICROSECONDS.toNanos(100)),
            error -> dutyFailure.compareAndSet(null, error), null,
            member.agent());
        AgentRunner.startOnThread(runner);
        Thread hook = new Thread(this::shutdown, "perf-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int sending = 0;
        for (boolean sends : senders) {
            sending += sends ? 1 : 0;
        }
        say(String.format(Locale.ROOT, "perf: member %s (%d of %d) over %s, stack %s; %s; %d sender%s, %d-byte"
                + " messages, rate %s; waiting for a view of %d", name, self, count, options.transport, options.stack,
            senders[self] ? "sending" : "receiving only", sending, sending == 1 ? "" : "s", options.size,
            options.rate == 0 ? "as fast as back-pressure allows" : options.rate + " msgs/s per sender", expect));

        Histogram latency = new Histogram(1, PerfReceiver.HIGHEST_LATENCY_NANOS, 3);
        long[] retransmitCounters = counterIds(member.counters().reader(), "retransmit");
        List<String> failures = new ArrayList<>();
        String joinFailure = awaitView(expect);
        if (joinFailure != null) {
            failures.add(joinFailure);
        } else {
            measure(name, senders[self], latency, retransmitCounters, failures);
        }
        if (sender != null) {
            sender.stop();
        }
        long retransmissions = sum(member.counters().reader(), retransmitCounters);
        shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs or ran; it found everything closed.
        }
        latency.add(receiver.latency().getIntervalHistogram());
        if (dutyFailure.get() != null) {
            failures.add("the member's duty cycle failed: " + dutyFailure.get());
        }
        if (receiver.excluded()) {
            failures.add("this member was excluded from the group (suspected while alive: paused, or the machine"
                + " too loaded?)");
        }
        if (sender != null && sender.refusal() != SendResult.OK) {
            failures.add("sending stopped early: multicast returned " + SendResult.describe(sender.refusal())
                + (sender.refusal() == SendResult.BACK_PRESSURED ? " until --timeout passed" : ""));
        }
        if (joinFailure == null) {
            String verdict = check.verdict(book::label);
            if (verdict != null) {
                failures.add(verdict);
            }
        }
        if (caughtError.get() != null) {
            failures.add("the member's duty cycle caught an error: " + caughtError.get());
        }
        PerfResult result = result(name, senders[self], sending, check, latency, retransmissions, failures);
        say(result.text());
        write(result, latency);
        return result.passed() ? 0 : 1;
    }

    /** Waits for a view of {@code expect} members; returns why not, or null. */
    private String awaitView(int expect) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (options.timeout * SECOND);
        while (receiver.view().size() < expect) {
            if (dutyFailure.get() != null || receiver.excluded()) {
                return "the member stopped before the group formed";
            }
            if (System.nanoTime() > deadline) {
                return "the view reached only " + receiver.view().size() + " of the " + expect + " expected members"
                    + " within --timeout " + PerfCommand.trim(options.timeout) + " s (" + receiver.view() + "): are"
                    + " the other processes running, with the same --members and --group?";
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Runs from the full view to the end of the run; adds to {@code failures} what ends it early. */
    private void measure(String name, boolean sends, Histogram latency, long[] retransmitCounters,
                             List<String> failures) throws InterruptedException {
        long start = System.nanoTime();
        long windowStart = start + (long) (options.warmup * SECOND);
        long windowEnd = windowStart + (long) (options.duration * SECOND);
        long drainDeadline = windowEnd + (long) (options.timeout * SECOND);
        receiver.window(windowStart, windowEnd);
        say("view " + receiver.view().id().ltime() + " has " + receiver.view().size() + " members: "
            + (options.warmup > 0 ? "warming up " + PerfCommand.trim(options.warmup) + " s, then " : "")
            + "measuring " + PerfCommand.trim(options.duration) + " s");
        if (sends) {
            sender = new PerfSender(member, member.endpoint().address(), options.size, options.rate, start,
                windowStart, windowEnd, drainDeadline);
            Thread thread = new Thread(sender, "perf-sender");
            thread.setDaemon(true);
            thread.start();
        }
        CountersReader counters = member.counters().reader();
        Histogram interval = null;
        long tick = start + SECOND;
        long lastDelivered = 0;
        long lastBytes = 0;
        long lastSent = 0;
        long lastRetransmitted = sum(counters, retransmitCounters);
        long lastBackPressured = 0;
        while (true) {
            long now = System.nanoTime();
            boolean senderDone = sender == null || sender.finished();
            if (now >= windowEnd && senderDone && receiver.settled()) {
                break; // the verdict names any sender that left before finishing
            }
            if (dutyFailure.get() != null || receiver.excluded() || receiver.left()) {
                break;
            }
            if (now > drainDeadline) {
                failures.add("gave up waiting for every sender's last message --timeout "
                    + PerfCommand.trim(options.timeout) + " s after the end");
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
            long sent = sender != null ? sender.sent() : 0;
            long retransmitted = sum(counters, retransmitCounters);
            long backPressured = sender != null ? sender.backPressured() : 0;
            long middle = now - SECOND / 2; // the line covers the second before now
            String phase = middle < windowStart ? "warmup" : middle < windowEnd ? "measure" : "drain";
            say(String.format(Locale.ROOT, "%-21s %5.1f s %-7s delivered %9d msgs/s %8.2f MB/s  sent %9d msgs/s"
                    + "  retransmitted %6d/s  back-pressured %7d/s  latency p99 %s", name, (now - start) / 1e9, phase,
                delivered - lastDelivered, (bytes - lastBytes) / 1e6, sent - lastSent,
                retransmitted - lastRetransmitted, backPressured - lastBackPressured,
                interval.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f us",
                    interval.getValueAtPercentile(99) / 1e3)));
            lastDelivered = delivered;
            lastBytes = bytes;
            lastSent = sent;
            lastRetransmitted = retransmitted;
            lastBackPressured = backPressured;
            tick += SECOND;
        }
    }

    private PerfResult result(String name, boolean sends, int sending, DeliveryCheck check, Histogram latency,
                              long retransmissions, List<String> failures) {
        double seconds = options.duration;
        double[] percentiles = PerfResult.percentilesMicros(latency);
        return new PerfResult(name, sends, failures.isEmpty(), options.transport, options.stack, options.size,
            sending, options.warmup, seconds, sender != null ? sender.sent() : 0,
            sender != null ? sender.sentInWindow() / seconds : 0, check.delivered(), check.announced(),
            receiver.inWindow(), receiver.inWindow() / seconds, receiver.bytesInWindow() / 1e6 / seconds, check.lost(),
            check.duplicates(), check.corrupt(), retransmissions, sender != null ? sender.backPressured() : 0,
            latency.getTotalCount(), percentiles[0], percentiles[1], percentiles[2], percentiles[3],
            failures.isEmpty() ? null : String.join("; ", failures));
    }

    private void write(PerfResult result, Histogram latency) throws IOException {
        if (options.output != null) {
            String text = options.outputFormat().equals("json") ? "{\"latency_clock\": \""
                + PerfResult.jsonEscape(PerfResult.CLOCK_NOTE) + "\",\n \"result\": " + result.json() + "}\n"
                : PerfResult.csvHeader() + "\n" + result.csvRow() + "\n";
            Files.writeString(options.output, text, StandardCharsets.UTF_8);
        }
        if (options.histogramLog != null) {
            try (PrintStream log = new PrintStream(options.histogramLog.toFile(), StandardCharsets.UTF_8)) {
                HistogramLogWriter writer = new HistogramLogWriter(log);
                writer.outputLogFormatVersion();
                writer.outputIntervalHistogram(latency);
            }
        }
    }

    /** Leaves the group and stops the member, once: at the end, or on SIGINT/SIGTERM. */
    private synchronized void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        if (sender != null) {
            sender.stop();
        }
        if (!member.hasLeft() && dutyFailure.get() == null) {
            member.leave();
            long deadline = System.nanoTime() + 5 * SECOND;
            while (!receiver.left() && !member.hasLeft() && System.nanoTime() < deadline
                && dutyFailure.get() == null) {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        runner.close();
        member.close();
    }

    private AddressBook addressBook() throws IOException {
        Placement placement = Placement.of(options.members, options.address, null, options.lab,
            options.network.interfaceName, "--members and --address are required (or --lab INDEX after 'consort lab up', or"
                + " --spawn N to start a whole group here)");
        options.network.interfaceName = placement.interfaceName();
        return placement.book();
    }


    private MemberConfig memberConfig(int count) {
        return MemberConfig.sizedFor(Math.max(2, count), Math.max(256, options.size))
            .errorHandler(error -> caughtError.compareAndSet(null, error));
    }

    private static long[] counterIds(CountersReader reader, String labelPart) {
        List<Long> ids = new ArrayList<>();
        reader.forEach((id, label) -> {
            if (label.contains(labelPart)) {
                ids.add((long) id);
            }
        });
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(CountersReader reader, long[] ids) {
        long total = 0;
        for (long id : ids) {
            total += reader.getCounterValue((int) id);
        }
        return total;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

}
