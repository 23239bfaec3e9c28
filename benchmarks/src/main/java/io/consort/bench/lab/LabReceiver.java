package io.consort.bench.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;

/**
 * The receiving half of a JGroups perf member, as consort perf's PerfReceiver and DeliveryCheck: checks every
 * message (magic, CRC32C, a known sender, that sender's sequence 0, 1, 2, ... without gap or repeat, ended by its
 * final message), counts deliveries and bytes, and records one-way latency of deliveries inside the window. JGroups
 * delivers one sender's messages one at a time but different senders' at once, on its own threads: hence a lock
 * per sender stream and adders and a multi-writer recorder for the totals.
 */
final class LabReceiver implements Receiver {
    static final long HIGHEST_LATENCY_NANOS = 60_000_000_000L;

    private final boolean[] senders;
    private final Stream[] streams;
    private final AtomicIntegerArray done;
    private final Recorder latency = new Recorder(1, HIGHEST_LATENCY_NANOS, 3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder inWindow = new LongAdder();
    private final LongAdder bytesInWindow = new LongAdder();
    private final LongAdder corrupt = new LongAdder();
    private final int expect;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile View view;
    private volatile boolean shrank;

    LabReceiver(boolean[] senders) {
        this.senders = senders;
        this.expect = senders.length;
        this.streams = new Stream[senders.length];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new Stream();
        }
        this.done = new AtomicIntegerArray(senders.length);
    }

    void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    @Override
    public void viewAccepted(View next) {
        View previous = view;
        if (previous != null && previous.size() >= expect && next.size() < expect) {
            shrank = true; // a member was suspected or left during the run
            System.out.println("view " + next + ": a member is gone");
        }
        view = next;
    }

    @Override
    public void receive(Message message) {
        long now = System.nanoTime();
        byte[] array = message.getArray();
        int offset = message.getOffset();
        int length = message.getLength();
        if (!LabMessage.intact(array, offset, length)) {
            corrupt.increment();
            return;
        }
        int sender = LabMessage.sender(array, offset);
        if (sender < 0 || sender >= senders.length) {
            corrupt.increment();
            return;
        }
        int kind = LabMessage.kind(array, offset);
        if (kind == LabMessage.DONE) {
            done.set(sender, 1);
            return;
        }
        if (!senders[sender]) {
            corrupt.increment(); // data from a member that does not send
            return;
        }
        long sequence = LabMessage.sequence(array, offset);
        if (kind == LabMessage.FINAL) {
            streams[sender].end(sequence);
            return;
        }
        if (!streams[sender].next(sequence)) {
            return;
        }
        delivered.increment();
        bytes.add(length);
        if (now >= windowStart && now < windowEnd) {
            inWindow.increment();
            bytesInWindow.add(length);
            long oneWay = now - LabMessage.sendTime(array, offset);
            latency.recordValue(Math.max(1, Math.min(HIGHEST_LATENCY_NANOS, oneWay)));
        }
    }

    /** True once every sender's final message has come. */
    boolean settled() {
        for (int i = 0; i < streams.length; i++) {
            if (senders[i] && !streams[i].ended()) {
                return false;
            }
        }
        return true;
    }

    boolean allDone() {
        for (int i = 0; i < done.length(); i++) {
            if (done.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Null if every sender's stream came whole, in order, once; else what went wrong, per sender. */
    String verdict() {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < streams.length; i++) {
            if (senders[i]) {
                String problem = streams[i].problem();
                if (problem != null) {
                    problems.add("from m" + i + ": " + problem);
                }
            }
        }
        if (corrupt.sum() > 0) {
            problems.add(corrupt.sum() + " corrupt or unexpected messages");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    long announced() {
        long total = 0;
        for (Stream stream : streams) {
            total += stream.announced();
        }
        return total;
    }

    long lost() {
        long total = 0;
        for (Stream stream : streams) {
            total += stream.lost();
        }
        return total;
    }

    long duplicates() {
        long total = 0;
        for (Stream stream : streams) {
            total += stream.duplicates();
        }
        return total;
    }

    View view() {
        return view;
    }

    boolean shrank() {
        return shrank;
    }

    Recorder latency() {
        return latency;
    }

    long delivered() {
        return delivered.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long inWindow() {
        return inWindow.sum();
    }

    long bytesInWindow() {
        return bytesInWindow.sum();
    }

    long corrupt() {
        return corrupt.sum();
    }

    /** One sender's stream: the next sequence expected, and what went wrong. */
    private static final class Stream {
        private long next;
        private long lost;
        private long duplicates;
        private long announced = -1;

        /** True if {@code sequence} is new (a gap before it counts as loss). */
        synchronized boolean next(long sequence) {
            if (sequence < next || announced >= 0) {
                duplicates++;
                return false;
            }
            lost += sequence - next;
            next = sequence + 1;
            return true;
        }

        synchronized void end(long count) {
            if (announced >= 0) {
                duplicates++;
                return;
            }
            announced = count;
            lost += Math.max(0, count - next);
        }

        synchronized boolean ended() {
            return announced >= 0;
        }

        synchronized long announced() {
            return Math.max(0, announced);
        }

        synchronized long lost() {
            return lost;
        }

        synchronized long duplicates() {
            return duplicates;
        }

        synchronized String problem() {
            if (announced < 0) {
                return "no final message (got " + next + " messages)";
            }
            if (lost > 0 || duplicates > 0 || next != announced) {
                return lost + " lost, " + duplicates + " duplicated, " + next + " of " + announced + " delivered";
            }
            return null;
        }
    }
}
