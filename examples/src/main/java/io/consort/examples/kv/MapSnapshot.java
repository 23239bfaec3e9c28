package io.consort.examples.kv;

import io.consort.layers.api.StateWriter;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Streams the map as it was when the snapshot was taken, entry by entry in key order, while the map keeps
 * changing: keys are looked up afresh after the last one written (no iterator outlives a call), and a key changed
 * since the snapshot is written from its pre-image. One entry at a time is staged, so an entry may span chunks.
 */
final class MapSnapshot implements StateWriter {
    private final KvMap map;
    private final ExpandableArrayBuffer staged = new ExpandableArrayBuffer(256);
    private String position;
    private boolean started;
    private int stagedLength;
    private int stagedAt;
    private boolean closed;

    MapSnapshot(KvMap map) {
        this.map = map;
    }

    /** True if the snapshot has not yet written {@code key}: a change to it needs a pre-image. */
    boolean notYetWritten(String key) {
        return !closed && (!started || key.compareTo(position) > 0);
    }

    @Override
    public int write(MutableDirectBuffer buffer, int offset, int capacity) {
        int written = 0;
        while (written < capacity) {
            if (stagedAt == stagedLength && !stageNext()) {
                break;
            }
            int n = Math.min(capacity - written, stagedLength - stagedAt);
            buffer.putBytes(offset + written, staged, stagedAt, n);
            stagedAt += n;
            written += n;
        }
        return written;
    }

    private boolean stageNext() {
        while (!closed) {
            String key = map.nextKey(started ? position : null);
            if (key == null) {
                close();
                return false;
            }
            byte[] value = map.valueAtSnapshot(key);
            position = key;
            started = true;
            if (value != null) {
                stagedLength = KvMap.writeEntry(staged, 0, key, value);
                stagedAt = 0;
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            map.closeSnapshot();
        }
    }
}
