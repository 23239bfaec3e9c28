package io.consort.examples.kv;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.agrona.ExpandableArrayBuffer;

/**
 * The map's data: keys in sorted order (so every member writes the same bytes for the same contents) and
 * immutable values. While a snapshot is being streamed, the first change to a key the snapshot has not reached
 * yet saves that key's pre-image, so the snapshot stays the map of its moment without copying the map; pre-images
 * are dropped as the snapshot passes them.
 */
final class KvMap {
    /** The pre-image of a key that did not exist when the snapshot was taken. */
    static final byte[] ABSENT = new byte[0];

    private final TreeMap<String, byte[]> entries = new TreeMap<>();
    private final TreeMap<String, byte[]> preImages = new TreeMap<>();
    private MapSnapshot snapshot;

    byte[] get(String key) {
        return entries.get(key);
    }

    int size() {
        return entries.size();
    }

    /** Sets {@code key} to {@code value} (null removes it); returns the value it had. */
    byte[] set(String key, byte[] value) {
        byte[] previous = value == null ? entries.remove(key) : entries.put(key, value);
        if (snapshot != null && snapshot.notYetWritten(key) && !preImages.containsKey(key)) {
            preImages.put(key, previous == null ? ABSENT : previous);
        }
        return previous;
    }

    void clear() {
        closeSnapshot();
        entries.clear();
    }

    /** Starts a snapshot of the map as it is now; one at a time. */
    MapSnapshot snapshot() {
        closeSnapshot();
        snapshot = new MapSnapshot(this);
        return snapshot;
    }

    void closeSnapshot() {
        snapshot = null;
        preImages.clear();
    }

    /** The first key after {@code after} (null: from the start) the snapshot must write, live or pre-imaged. */
    String nextKey(String after) {
        String live = after == null ? firstKey(entries) : entries.higherKey(after);
        String saved = after == null ? firstKey(preImages) : preImages.higherKey(after);
        if (live == null || saved == null) {
            return live == null ? saved : live;
        }
        return live.compareTo(saved) <= 0 ? live : saved;
    }

    /** The value {@code key} had when the snapshot was taken (null: none), dropping its pre-image. */
    byte[] valueAtSnapshot(String key) {
        byte[] saved = preImages.remove(key);
        if (saved != null) {
            return saved == ABSENT ? null : saved;
        }
        return entries.get(key);
    }

    int preImages() {
        return preImages.size();
    }

    /** Appends one entry as the state stream carries it: keyLength(4) key valueLength(4) value. */
    static int writeEntry(ExpandableArrayBuffer out, int at, String key, byte[] value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        out.putInt(at, keyBytes.length);
        out.putBytes(at + 4, keyBytes);
        out.putInt(at + 4 + keyBytes.length, value.length);
        out.putBytes(at + 8 + keyBytes.length, value);
        return 8 + keyBytes.length + value.length;
    }

    /** A checksum of the whole map in stream form: members holding the same map have the same digest. */
    long digest() {
        CRC32C crc = new CRC32C();
        ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
        long bytes = 0;
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            int length = writeEntry(scratch, 0, entry.getKey(), entry.getValue());
            crc.update(scratch.byteArray(), 0, length);
            bytes += length;
        }
        return crc.getValue() ^ (bytes << 32);
    }

    /** The entries themselves, for tests and tools (the map's own, not a copy: do not change it). */
    Map<String, byte[]> view() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    void putInstalled(String key, byte[] value) {
        entries.put(key, value);
    }

    private static String firstKey(TreeMap<String, byte[]> map) {
        return map.isEmpty() ? null : map.firstKey();
    }
}
