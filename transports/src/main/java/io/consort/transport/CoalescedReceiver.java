package io.consort.transport;

import io.consort.xsk.udp.BatchedUdp;
import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The receive side of UDP GRO: one recvmmsg fills a scratch area with messages, each a datagram or a run of
 * datagrams from one source that the kernel took up whole, and a cursor walks them datagram by datagram. What a
 * poll does not take stays for the next. Allocation-free after construction.
 */
final class CoalescedReceiver implements AutoCloseable {
    private final BatchedUdp socket;
    private final ByteBuffer memory;
    private final UnsafeBuffer scratch;
    private final int slot;
    private final int batch;
    private final int[] lengths;
    private final int[] segments;
    private final int[] sources;
    private final int[] ports;
    private final AtomicCounter runs;
    private int messages;
    private int message;
    private int offset;

    CoalescedReceiver(BatchedUdp socket, int batch, int slot, AtomicCounter runs) {
        this.socket = socket;
        this.batch = batch;
        this.slot = slot;
        this.memory = ByteBuffer.allocateDirect(batch * slot);
        this.scratch = new UnsafeBuffer(memory);
        this.lengths = new int[batch];
        this.segments = new int[batch];
        this.sources = new int[batch];
        this.ports = new int[batch];
        this.runs = runs;
    }

    /** Receives a batch when the last one is used up; never waits. True when it called the socket. */
    boolean fill() {
        if (message < messages) {
            return false;
        }
        messages = socket.receiveCoalesced(scratch.addressOffset(), slot, lengths, segments, sources, ports, batch);
        message = 0;
        offset = 0;
        for (int i = 0; i < messages; i++) {
            if (segments[i] > 0 && lengths[i] > segments[i]) {
                runs.increment();
            }
        }
        return true;
    }

    boolean hasDatagram() {
        return message < messages;
    }

    /** The next datagram's length; more than the slot when the message was cut. */
    int length() {
        int total = lengths[message];
        if (total > slot) {
            return total;
        }
        int rest = total - offset;
        return segments[message] > 0 ? Math.min(segments[message], rest) : rest;
    }

    int sourceAddress() {
        return sources[message];
    }

    int sourcePort() {
        return ports[message];
    }

    /** Copies the next datagram to {@code index} of {@code into} and moves past it. */
    void copyTo(MutableDirectBuffer into, int index) {
        int length = length();
        into.putBytes(index, scratch, message * slot + offset, length);
        offset += length;
        if (offset >= lengths[message]) {
            message++;
            offset = 0;
        }
    }

    /** Moves past the whole current message (a cut one, or one from a stranger). */
    void skipMessage() {
        message++;
        offset = 0;
    }

    @Override
    public void close() {
        messages = 0;
        BufferUtil.free(memory);
    }
}
