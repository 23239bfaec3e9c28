package io.consort.examples.kv;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.api.StateHandler;
import io.consort.layers.api.StateWriter;
import io.consort.layers.runtime.View;
import java.util.Arrays;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A key-value map replicated over a group with total order and state transfer ({@code xfer} on top of a
 * {@code total} stack). Built on the public API only.
 *
 * <p><b>Writes</b> ({@link #put}, {@link #remove}, {@link #compareAndSet}) are multicast and applied by every
 * member when delivered, in the one order total order gives: every member applies the same commands in the same
 * order. The issuer hears the outcome through its {@link Listener} when its own command is delivered.
 *
 * <p><b>Reads</b> come two ways. {@link #get} is local: it answers at once from this member's copy, which may lag
 * the group (commands delivered elsewhere and not here yet) but never goes back, except when a partition merge
 * replaces this member's state by the other side's. {@link #read} is ordered: it goes through total order like a
 * write and is answered when delivered, so it sees every write ordered before it (linearizable within a primary
 * partition).
 *
 * <p><b>Joiners</b> get the map through state transfer: a snapshot streamed in chunks in key order, with
 * copy-on-write pre-images for keys changed while it streams ({@link KvMap}), so the donor never holds the map
 * twice. Until its state is installed, a member's map is empty and {@link #ready()} is false.
 *
 * <p>Every method runs on the member's duty-cycle thread (or the simulator's), like the handler's calls.
 */
public final class ReplicatedMap implements MessageHandler, StateHandler {
    /** The outcome of a command this member issued. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param ok put: always; remove: the key existed; compare-and-set: it swapped; read: the key exists
         * @param value the key's value before the command (null: none)
         */
        void done(long request, boolean ok, byte[] value);
    }

    private final KvMap map = new KvMap();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
    private Member member;
    private Listener listener = (request, ok, value) -> { };
    private View view;
    private boolean ready;
    private MapInstaller installer;
    private long nextRequest;
    private long applied;

    /** Binds the member that carries this map's commands (built with this map as its handler). */
    public void attach(Member member) {
        this.member = member;
    }

    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** Sets {@code key} to {@code value}; returns the request number, or a negative {@link SendResult}. */
    public long put(String key, byte[] value) {
        return issue(Command.PUT, key, null, value);
    }

    public long remove(String key) {
        return issue(Command.REMOVE, key, null, null);
    }

    /** Sets {@code key} to {@code value} (null: removes it) if its value is {@code expected} (null: absent). */
    public long compareAndSet(String key, byte[] expected, byte[] value) {
        return issue(Command.CAS, key, expected, value);
    }

    /** An ordered read: answered through the listener once delivered in total order. */
    public long read(String key) {
        return issue(Command.READ, key, null, null);
    }

    /** A local read: this member's value now, perhaps behind the group's (null: none). */
    public byte[] get(String key) {
        return map.get(key);
    }

    /** True once this member holds the group's state (false while it joins). */
    public boolean ready() {
        return ready;
    }

    public int size() {
        return map.size();
    }

    /** Commands applied by this member since it started. */
    public long applied() {
        return applied;
    }

    /** A checksum of the map's contents: members holding the same map have the same digest. */
    public long digest() {
        return map.digest();
    }

    /** The entries (read-only, live). */
    public Map<String, byte[]> entries() {
        return map.view();
    }

    private long issue(byte op, String key, byte[] expected, byte[] value) {
        out.checkLimit(Command.length(key, expected, value));
        int length = Command.write(out, op, nextRequest, key, expected, value);
        int result = member.multicast(out, 0, length);
        return result == SendResult.OK ? nextRequest++ : result;
    }

    @Override
    public void onView(View view) {
        this.view = view;
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        if (kind != CAST || length < Command.HEADER) {
            return;
        }
        byte op = buffer.getByte(offset);
        long request = buffer.getLong(offset + 1);
        int keyLength = buffer.getShort(offset + 9) & 0xFFFF;
        String key = buffer.getStringWithoutLengthUtf8(offset + Command.HEADER, keyLength);
        int at = offset + Command.HEADER + keyLength;
        byte[] before = map.get(key);
        boolean ok;
        switch (op) {
            case Command.PUT:
                map.set(key, value(buffer, at));
                ok = true;
                break;
            case Command.REMOVE:
                ok = before != null;
                map.set(key, null);
                break;
            case Command.CAS: {
                byte[] expected = value(buffer, at);
                ok = expected == null ? before == null : before != null && Arrays.equals(expected, before);
                if (ok) {
                    map.set(key, value(buffer, at + 4 + (expected == null ? 0 : expected.length)));
                }
                break;
            }
            case Command.READ:
                ok = before != null;
                break;
            default:
                return;
        }
        applied++;
        if (origin == view.rank()) {
            listener.done(request, ok, before);
        }
    }

    private static byte[] value(DirectBuffer buffer, int at) {
        int length = buffer.getInt(at);
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        buffer.getBytes(at + 4, value);
        return value;
    }

    @Override
    public StateWriter snapshot() {
        return map.snapshot();
    }

    @Override
    public void beginInstall() {
        ready = false;
        map.clear();
        installer = new MapInstaller(map);
    }

    @Override
    public void installChunk(DirectBuffer buffer, int offset, int length) {
        installer.chunk(buffer, offset, length);
    }

    @Override
    public void endInstall() {
        if (!installer.complete()) {
            throw new IllegalStateException("the map's state stream ended inside an entry");
        }
        installer = null;
        ready = true;
    }

    @Override
    public void abortInstall() {
        installer = null;
        map.clear();
    }
}
