package io.consort.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A snapshot streamed in chunks of any size while the map keeps changing (puts, removes and inserts before and
 * after the snapshot's position) installs as exactly the map of the snapshot's moment, and its pre-images are all
 * dropped by the end.
 */
class MapSnapshotTest {
    @Property(tries = 200)
    void snapshotIsTheMapOfItsMoment(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int chunk) {
        SplittableRandom random = new SplittableRandom(seed);
        KvMap map = new KvMap();
        for (int i = 0; i < 300; i++) {
            map.set(key(random), value(random));
        }
        Map<String, byte[]> expected = new TreeMap<>(map.view());
        MapSnapshot snapshot = map.snapshot();
        KvMap copy = new KvMap();
        MapInstaller installer = new MapInstaller(copy);
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[chunk]);
        for (int written = snapshot.write(buffer, 0, chunk); written > 0; written = snapshot.write(buffer, 0, chunk)) {
            installer.chunk(buffer, 0, written);
            for (int i = random.nextInt(4); i > 0; i--) {
                map.set(key(random), random.nextInt(3) == 0 ? null : value(random));
            }
        }
        assertTrue(installer.complete());
        assertEquals(0, map.preImages());
        assertEquals(expected.keySet(), copy.view().keySet());
        for (Map.Entry<String, byte[]> entry : expected.entrySet()) {
            assertEquals(new String(entry.getValue(), StandardCharsets.ISO_8859_1),
                new String(copy.get(entry.getKey()), StandardCharsets.ISO_8859_1), entry.getKey());
        }
    }

    private static String key(SplittableRandom random) {
        return "k" + random.nextInt(500);
    }

    private static byte[] value(SplittableRandom random) {
        byte[] value = new byte[random.nextInt(200)];
        random.nextBytes(value);
        return value;
    }
}
