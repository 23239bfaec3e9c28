package io.consort.examples.kv;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/** Rebuilds the map from the state stream: entries may span chunks, so a partial one waits for the rest. */
final class MapInstaller {
    private final KvMap map;
    private final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(4096);
    private int length;

    MapInstaller(KvMap map) {
        this.map = map;
    }

    void chunk(DirectBuffer buffer, int offset, int bytes) {
        pending.putBytes(length, buffer, offset, bytes);
        length += bytes;
        int at = 0;
        while (length - at >= 8) {
            int keyLength = pending.getInt(at);
            if (keyLength < 0 || length - at < 8 + keyLength) {
                break;
            }
            int valueLength = pending.getInt(at + 4 + keyLength);
            int entry = 8 + keyLength + valueLength;
            if (valueLength < 0 || length - at < entry) {
                break;
            }
            String key = pending.getStringWithoutLengthUtf8(at + 4, keyLength);
            byte[] value = new byte[valueLength];
            pending.getBytes(at + 8 + keyLength, value);
            map.putInstalled(key, value);
            at += entry;
        }
        pending.putBytes(0, pending, at, length - at);
        length -= at;
    }

    /** True if the stream ended on an entry's boundary, as a whole snapshot does. */
    boolean complete() {
        return length == 0;
    }
}
