package io.consort.sim.state;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.StateHandler;
import io.consort.layers.api.StateWriter;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A test application whose state is a byte string: SET replaces it by {@code length} bytes drawn from a seed,
 * APPEND adds the message's bytes. Every member that applies the same messages in the same order holds the same
 * bytes, so equal bytes at the end mean nothing was applied twice, skipped or reordered. A snapshot is the array
 * and length of the moment: SET makes a new array and APPEND writes past the length, so it never changes under a
 * writer (copy-on-write for free). Snapshots and installs are written to the {@link TransferLedger}.
 */
final class BlobApp implements MessageHandler, StateHandler {
    static final byte SET = 1;
    static final byte APPEND = 2;

    final Endpoint self;
    private final TransferLedger ledger;
    private byte[] blob = new byte[0];
    private int length;
    private boolean hasState;
    private View view;
    private byte[] installing;
    private int installed;
    long begins;
    long aborts;
    long installs;
    long applied;

    BlobApp(Endpoint self, TransferLedger ledger) {
        this.self = self;
        this.ledger = ledger;
    }

    static int set(MutableDirectBuffer buffer, int length, long seed) {
        buffer.putByte(0, SET);
        buffer.putInt(1, length);
        buffer.putLong(5, seed);
        return 13;
    }

    /** An APPEND of {@code length} bytes (at least 17) naming its writer and number. */
    static int append(MutableDirectBuffer buffer, Endpoint writer, long number, int length) {
        buffer.putByte(0, APPEND);
        buffer.putInt(1, writer.address());
        buffer.putInt(5, writer.incarnation());
        buffer.putLong(9, number);
        for (int i = 17; i < length; i++) {
            buffer.putByte(i, (byte) (number * 7 + i));
        }
        return Math.max(17, length);
    }

    @Override
    public void onView(View view) {
        this.view = view;
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        if (!hasState) {
            ledger.violation(self + " was given a message in " + view.id() + " without a state");
            return;
        }
        if (kind != CAST) {
            return;
        }
        applied++;
        byte command = buffer.getByte(offset);
        if (command == SET) {
            int size = buffer.getInt(offset + 1);
            long seed = buffer.getLong(offset + 5);
            blob = generate(size, seed);
            this.length = size;
        } else if (command == APPEND) {
            if (this.length + length > blob.length) {
                blob = Arrays.copyOf(blob, Math.max(this.length + length, 2 * blob.length));
            }
            buffer.getBytes(offset, blob, this.length, length);
            this.length += length;
        } else {
            ledger.violation(self + " got an unknown command " + command);
        }
    }

    static byte[] generate(int size, long seed) {
        byte[] bytes = new byte[size];
        long x = seed | 1;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) x;
        }
        return bytes;
    }

    @Override
    public StateWriter snapshot() {
        byte[] bytes = blob;
        int size = length;
        ledger.snapshot(view.id(), self, digest(bytes, size), size);
        return new StateWriter() {
            private int position;

            @Override
            public int write(MutableDirectBuffer buffer, int offset, int capacity) {
                int n = Math.min(capacity, size - position);
                buffer.putBytes(offset, bytes, position, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void beginInstall() {
        if (installing != null) {
            ledger.violation(self + " began an install in " + view.id() + " without ending or aborting the last");
        }
        begins++;
        hasState = false;
        blob = new byte[0];
        length = 0;
        installing = new byte[1024];
        installed = 0;
    }

    @Override
    public void installChunk(DirectBuffer buffer, int offset, int chunk) {
        if (installing == null) {
            ledger.violation(self + " got a chunk outside an install");
            return;
        }
        if (installed + chunk > installing.length) {
            installing = Arrays.copyOf(installing, Math.max(installed + chunk, 2 * installing.length));
        }
        buffer.getBytes(offset, installing, installed, chunk);
        installed += chunk;
    }

    @Override
    public void endInstall() {
        blob = installing;
        length = installed;
        installing = null;
        hasState = true;
        installs++;
        ledger.installed(view.id(), self, digest(blob, length), length);
    }

    @Override
    public void abortInstall() {
        if (installing == null) {
            ledger.violation(self + " was told to abort with no install begun");
        }
        installing = null;
        aborts++;
    }

    boolean hasState() {
        return hasState;
    }

    int length() {
        return length;
    }

    long digest() {
        return digest(blob, length);
    }

    byte[] bytes() {
        return Arrays.copyOf(blob, length);
    }

    static long digest(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue() ^ ((long) length << 32);
    }
}
