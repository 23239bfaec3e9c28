package io.consort.sim.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A process's {@link History} written to a file as it happens, so that groups of separate processes are judged by
 * the same {@link VsyncChecker} as the simulator's: each member process journals the views it installs and the
 * messages it delivers (checked intact first, with {@link Recorder#damage}); the checker reads every journal
 * back with {@link #read}. A process killed mid-run leaves a prefix of its history and counts as crashed; one that
 * stopped cleanly ends with an end record that carries how many casts it offered.
 *
 * <p>Records, big-endian: {@code 'V'} group, ltime, coordinator, members, rank, primary; {@code 'C'}/{@code 'S'}
 * a cast/send delivered (origin address u16, incarnation i32, number i64); {@code 'L'} left; {@code 'X'} a
 * violation (UTF-8 text); {@code 'E'} end (casts offered i64). Writing allocates nothing per delivery.
 */
public final class Journal implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Endpoint self;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private boolean closed;

    private Journal(Endpoint self, FileChannel channel) {
        this.self = self;
        this.channel = channel;
    }

    /** A new journal for process {@code self} at {@code file}, replacing any file there. */
    public static Journal create(Endpoint self, Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        Journal journal = new Journal(self, channel);
        journal.room(8);
        journal.buffer.putShort((short) self.address()).putInt(self.incarnation());
        return journal;
    }

    /** Records a view installed. */
    public synchronized void view(View view) {
        Endpoint[] members = view.members();
        room(32 + 6 * members.length);
        buffer.put((byte) 'V').putInt(view.groupId()).putLong(view.id().ltime());
        putEndpoint(view.id().coordinator());
        buffer.putShort((short) members.length);
        for (Endpoint member : members) {
            putEndpoint(member);
        }
        buffer.putShort((short) view.rank()).put((byte) (view.primary() ? 1 : 0));
        flush();
    }

    /** Records that the process left the group. */
    public synchronized void left() {
        room(1);
        buffer.put((byte) 'L');
        flush();
    }

    /** Records the delivery of cast (or send) {@code number} of {@code from}, already checked intact. */
    public synchronized void delivered(boolean cast, Endpoint from, long number) {
        room(15);
        buffer.put((byte) (cast ? 'C' : 'S'));
        putEndpoint(from);
        buffer.putLong(number);
    }

    /** Records a violation: a message delivered damaged, misattributed or truncated. */
    public synchronized void violation(String what) {
        byte[] text = what.getBytes(StandardCharsets.UTF_8);
        room(5 + text.length);
        buffer.put((byte) 'X').putInt(text.length).put(text);
        flush();
    }

    /** Writes what is buffered to the file. */
    public synchronized void flush() {
        if (closed) {
            return;
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal of " + self, e);
        } finally {
            buffer.clear();
        }
    }

    /** Ends the journal of a process that stopped cleanly, having offered {@code castsOffered} casts. */
    public synchronized void end(long castsOffered) {
        room(9);
        buffer.put((byte) 'E').putLong(castsOffered);
        close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void putEndpoint(Endpoint endpoint) {
        buffer.putShort((short) endpoint.address()).putInt(endpoint.incarnation());
    }

    private void room(int bytes) {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    /**
     * Reads a journal back into a history of {@code checker} (violations it recorded become the checker's). A
     * journal without an end record is the history of a crashed process.
     */
    public static History read(Path file, VsyncChecker checker) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        Endpoint self = new Endpoint(in.getShort() & 0xFFFF, in.getInt());
        History[] into = new History[1];
        Recorder recorder = checker.record(self, into);
        History history = into[0];
        boolean ended = false;
        try {
            while (in.hasRemaining() && !ended) {
                byte type = in.get();
                switch (type) {
                    case 'V' -> recorder.onView(readView(in));
                    case 'C', 'S' -> {
                        long[] delivery = {in.getShort() & 0xFFFF, in.getInt(), in.getLong()};
                        History.Installed current = history.current();
                        if (type == 'C') {
                            current.casts.add(delivery);
                            history.castsInCurrentView++;
                            if (self.is((int) delivery[0], (int) delivery[1])) {
                                history.ownCastsDelivered++;
                            }
                        } else {
                            current.sends.add(delivery);
                        }
                    }
                    case 'L' -> recorder.onLeft();
                    case 'X' -> {
                        byte[] text = new byte[in.getInt()];
                        in.get(text);
                        checker.violation(new String(text, StandardCharsets.UTF_8));
                    }
                    case 'E' -> {
                        history.castsOffered = in.getLong();
                        ended = true;
                    }
                    default -> throw new IOException(file + ": unknown record '" + (char) type + "' at "
                        + (in.position() - 1));
                }
            }
        } catch (java.nio.BufferUnderflowException cutShort) {
            // A process killed mid-write leaves its last record incomplete: the history ends before it.
        }
        if (!ended) {
            history.markCrashed();
        }
        return history;
    }

    private static View readView(ByteBuffer in) {
        int group = in.getInt();
        long ltime = in.getLong();
        Endpoint coordinator = new Endpoint(in.getShort() & 0xFFFF, in.getInt());
        Endpoint[] members = new Endpoint[in.getShort()];
        for (int i = 0; i < members.length; i++) {
            members[i] = new Endpoint(in.getShort() & 0xFFFF, in.getInt());
        }
        int rank = in.getShort();
        boolean primary = in.get() == 1;
        return new View(group, new ViewId(ltime, coordinator), members, rank, primary);
    }
}
