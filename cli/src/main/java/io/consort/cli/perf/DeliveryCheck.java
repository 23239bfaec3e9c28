package io.consort.cli.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.agrona.DirectBuffer;

/**
 * The receive side's verdict on each sender's stream: sequence numbers must run 0, 1, 2, ... without a gap
 * (loss) or a repeat (duplicate), every message must be intact (magic, length, CRC32C, the sender it claims),
 * and the stream must end with the sender's final message, which says how many it sent. Primitive state per
 * sender address, nothing allocated per message; the first problem is kept, as numbers, for the report.
 */
final class DeliveryCheck {
    /** What {@link #onMessage} made of a message. */
    static final int DATA = 0;
    static final int FINAL = 1;
    static final int DUPLICATE = 2;
    static final int CORRUPT = 3;
    static final int UNEXPECTED_SENDER = 4;

    private static final int NO_PROBLEM = -1;
    private static final int GAP = 10;
    private static final int REPEAT = 11;
    private static final int DAMAGED = 12;
    private static final int WRONG_LENGTH = 13;
    private static final int WRONG_SENDER_FIELD = 14;
    private static final int STRANGER = 15;
    private static final int DATA_AFTER_FINAL = 16;
    private static final int SHORT_FINAL = 17;

    private final boolean[] sender;
    private final long[] next;
    private final long[] finalCount;
    private final long[] delivered;
    private final boolean[] departed;
    private final int size;
    private final BodyChecksum checksum;
    private long lost;
    private long duplicates;
    private long corrupt;
    private int problem = NO_PROBLEM;
    private int problemSender;
    private long problemExpected;
    private long problemGot;

    /**
     * @param senders which addresses send (true at their index)
     * @param size the length of every message
     */
    DeliveryCheck(boolean[] senders, int size) {
        this.sender = senders.clone();
        this.next = new long[senders.length];
        this.finalCount = new long[senders.length];
        this.delivered = new long[senders.length];
        this.departed = new boolean[senders.length];
        this.size = size;
        this.checksum = new BodyChecksum(size);
        java.util.Arrays.fill(finalCount, -1);
    }

    /** Checks one delivery from the member at {@code from} (its address, as the view says). */
    int onMessage(int from, DirectBuffer buffer, int offset, int length) {
        if (from < 0 || from >= sender.length || !sender[from]) {
            corrupt++;
            note(STRANGER, from, 0, 0);
            return UNEXPECTED_SENDER;
        }
        if (length != size) {
            corrupt++;
            note(WRONG_LENGTH, from, size, length);
            return CORRUPT;
        }
        if (!PerfMessage.intact(buffer, offset, length, checksum)) {
            corrupt++;
            note(DAMAGED, from, next[from], 0);
            return CORRUPT;
        }
        int claimed = PerfMessage.sender(buffer, offset);
        if (claimed != from) {
            corrupt++;
            note(WRONG_SENDER_FIELD, from, from, claimed);
            return CORRUPT;
        }
        long sequence = PerfMessage.sequence(buffer, offset);
        if (PerfMessage.kind(buffer, offset) == PerfMessage.FINAL) {
            return onFinal(from, sequence);
        }
        if (finalCount[from] >= 0) {
            corrupt++;
            note(DATA_AFTER_FINAL, from, finalCount[from], sequence);
            return CORRUPT;
        }
        long expected = next[from];
        if (sequence < expected) {
            duplicates++;
            note(REPEAT, from, expected, sequence);
            return DUPLICATE;
        }
        if (sequence > expected) {
            lost += sequence - expected;
            note(GAP, from, expected, sequence);
        }
        next[from] = sequence + 1;
        delivered[from]++;
        return DATA;
    }

    private int onFinal(int from, long count) {
        if (finalCount[from] >= 0) {
            duplicates++;
            note(REPEAT, from, finalCount[from], count);
            return DUPLICATE;
        }
        finalCount[from] = count;
        if (next[from] < count) {
            lost += count - next[from];
            note(SHORT_FINAL, from, count, next[from]);
        } else if (next[from] > count) {
            corrupt++;
            note(SHORT_FINAL, from, count, next[from]);
        }
        return FINAL;
    }

    /** The member at {@code from} left the view; a sender that had not finished never will. */
    void departed(int from) {
        if (from >= 0 && from < sender.length && sender[from] && finalCount[from] < 0) {
            departed[from] = true;
        }
    }

    private void note(int kind, int from, long expected, long got) {
        if (problem == NO_PROBLEM) {
            problem = kind;
            problemSender = from;
            problemExpected = expected;
            problemGot = got;
        }
    }

    /** True once every sender has either finished or left the view (and so never will). */
    boolean settled() {
        for (int i = 0; i < sender.length; i++) {
            if (sender[i] && finalCount[i] < 0 && !departed[i]) {
                return false;
            }
        }
        return true;
    }

    boolean intact() {
        return problem == NO_PROBLEM;
    }

    long lost() {
        return lost;
    }

    long duplicates() {
        return duplicates;
    }

    long corrupt() {
        return corrupt;
    }

    /** Data messages delivered in order from every sender. */
    long delivered() {
        long total = 0;
        for (long count : delivered) {
            total += count;
        }
        return total;
    }

    /** What the senders said they sent, over those whose final message came. */
    long announced() {
        long total = 0;
        for (long count : finalCount) {
            total += Math.max(0, count);
        }
        return total;
    }

    /** Why the run fails, naming senders by {@code name}; null when it passes. */
    String verdict(IntFunction<String> name) {
        List<String> reasons = new ArrayList<>();
        if (problem != NO_PROBLEM) {
            reasons.add(describeProblem(name) + counts());
        }
        for (int i = 0; i < sender.length; i++) {
            if (sender[i] && finalCount[i] < 0) {
                reasons.add("missing the end of " + name.apply(i) + "'s stream: " + delivered[i]
                    + " messages received, next expected #" + next[i] + ", no final message"
                    + (departed[i] ? " (it left the view first)" : ""));
            }
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    private String counts() {
        return " (in all: " + lost + " lost, " + duplicates + " duplicated, " + corrupt + " corrupt)";
    }

    private String describeProblem(IntFunction<String> name) {
        String who = problem == STRANGER && (problemSender < 0 || problemSender >= sender.length)
            ? "address " + problemSender : name.apply(problemSender);
        return switch (problem) {
            case GAP -> "loss: from " + who + " expected #" + problemExpected + ", got #" + problemGot;
            case REPEAT -> "duplicate: from " + who + " got #" + problemGot + " again (expected #" + problemExpected
                + ")";
            case DAMAGED -> "corruption: a message from " + who + " (near #" + problemExpected
                + ") fails its CRC32C or magic";
            case WRONG_LENGTH -> "corruption: a message from " + who + " is " + problemGot + " bytes, expected "
                + problemExpected + " (is --size the same at every process?)";
            case WRONG_SENDER_FIELD -> "corruption: a message delivered from " + who + " says it is from address "
                + problemGot;
            case STRANGER -> "unexpected sender: a message from " + who + ", which is not in --senders (is --senders"
                + " the same at every process?)";
            case DATA_AFTER_FINAL -> "duplicate or reorder: from " + who + " got #" + problemGot
                + " after its final message (" + problemExpected + " sent)";
            case SHORT_FINAL -> "loss: " + who + " sent " + problemExpected + " messages, received up to #"
                + (problemGot - 1);
            default -> "problem " + problem + " from " + who;
        };
    }
}
