package io.consort.cli.member;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.sim.membership.Journal;
import io.consort.sim.membership.Recorder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * What a command-line member does with what it is handed: prints views, leave and exclusion (and chat lines, and
 * with {@code --print-deliveries} every delivery), keeps application counters that {@code consort stat} shows,
 * and hands everything to the journal when there is one. Runs on the member's duty thread.
 */
final class Console implements MessageHandler {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final AddressBook book;
    private final PrintStream out;
    private final Journal journal;
    private final boolean printDeliveries;
    private final Endpoint self;
    private final AtomicCounter delivered;
    private final AtomicCounter ownDelivered;
    private final AtomicCounter inView;
    private final AtomicCounter viewTime;
    private final AtomicCounter viewSize;
    private final AtomicCounter viewCoordinator;
    private final AtomicCounter damaged;
    private View view;
    private final CountDownLatch leftLatch = new CountDownLatch(1);
    volatile boolean left;
    volatile boolean excluded;

    Console(AddressBook book, Endpoint self, CounterSet counters, PrintStream out, Journal journal,
            boolean printDeliveries) {
        this.book = book;
        this.self = self;
        this.out = out;
        this.journal = journal;
        this.printDeliveries = printDeliveries;
        this.delivered = counters.counter("app", "casts delivered");
        this.ownDelivered = counters.counter("app", "own casts delivered");
        this.inView = counters.counter("app", "casts delivered in view");
        this.viewTime = counters.counter("app", "view ltime");
        this.viewSize = counters.counter("app", "view size");
        this.viewCoordinator = counters.counter("app", "view coordinator");
        this.damaged = counters.counter("app", "messages not intact");
    }

    String name(Endpoint endpoint) {
        return book.label(endpoint.address()) + "#" + endpoint.incarnation();
    }

    @Override
    public void onView(View view) {
        this.view = view;
        inView.set(0);
        viewTime.set(view.id().ltime());
        viewSize.set(view.size());
        viewCoordinator.set(view.id().coordinator().address());
        StringBuilder line = new StringBuilder("view ").append(view.id().ltime()).append(" by ")
            .append(name(view.id().coordinator())).append(": [");
        Endpoint[] members = view.members();
        for (int i = 0; i < members.length; i++) {
            line.append(i == 0 ? "" : ", ").append(name(members[i]));
        }
        line.append(']').append(view.primary() ? " primary" : "");
        say(line.toString());
        if (journal != null) {
            journal.view(view);
        }
    }

    @Override
    public void onLeft() {
        left = true;
        leftLatch.countDown();
        say("left the group");
        if (journal != null) {
            journal.left();
        }
    }

    @Override
    public void onExcluded() {
        excluded = true;
        say("excluded from the group (suspected while alive): restart to rejoin as a new incarnation");
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        Endpoint from = view.member(origin);
        if (kind == CAST) {
            delivered.increment();
            inView.increment();
            if (from.equals(self)) {
                ownDelivered.increment();
            }
        }
        if (journal != null) {
            String damage = Recorder.damage(self, view, from, buffer, offset, length);
            if (damage != null) {
                damaged.increment();
                journal.violation(damage);
            } else {
                journal.delivered(kind == CAST, from, buffer.getLong(offset + 6));
            }
        } else if (length > 0 && buffer.getByte(offset) == Chat.MARK) {
            say(name(from) + (kind == CAST ? ": " : " (to me): ")
                + buffer.getStringWithoutLengthUtf8(offset + 1, length - 1));
        } else if (printDeliveries) {
            say((kind == CAST ? "cast " : "send ") + length + " B from " + name(from));
        }
    }

    /** Waits at most {@code nanos} for the member to have left; false if it has not. */
    boolean awaitLeft(long nanos) {
        try {
            return leftLatch.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void say(String line) {
        out.println("[" + LocalTime.now().format(TIME) + "] " + line);
        out.flush();
    }

    /** Encodes a chat line: a mark byte, then UTF-8. */
    static final class Chat {
        static final byte MARK = 0x1E;

        private Chat() {
        }

        static byte[] encode(String line) {
            byte[] text = line.getBytes(StandardCharsets.UTF_8);
            byte[] message = new byte[text.length + 1];
            message[0] = MARK;
            System.arraycopy(text, 0, message, 1, text.length);
            return message;
        }
    }
}
