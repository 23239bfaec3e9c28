package io.consort.cli.status;

import io.consort.layers.runtime.StatusBuffers;
import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * A member's counters and distinct-error log in a memory-mapped file, so that {@code consort stat} reads them
 * from another process while the member runs (as Aeron's CnC file does for AeronStat). One file per member,
 * {@code <dir>/<name>.stat}; the directory is {@code /dev/shm/consort} unless {@code --stat-dir} or
 * {@code CONSORT_STAT_DIR} says otherwise. A restarted member replaces its file; a killed one leaves it, and the
 * reader tells by the pid that nobody writes it any more.
 *
 * <pre>
 * 0 magic "CNSRTST1" | 8 pid | 16 start (epoch ms) | 24 metadata length | 28 values length | 32 error-log length
 * | 36 name length | 40 name (UTF-8, at most 88 bytes) | 128 counters metadata | values | error log
 * </pre>
 */
public final class StatusFile implements AutoCloseable {
    public static final String DEFAULT_DIR = "/dev/shm/consort";
    public static final String SUFFIX = ".stat";
    private static final long MAGIC = 0x31545354_52534E43L;
    private static final int HEADER = 128;
    private static final int MAX_NAME = HEADER - 40;
    private static final int MAX_COUNTERS = StatusBuffers.DEFAULT_MAX_COUNTERS;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final StatusBuffers buffers;
    private final Path path;

    private StatusFile(Path path, MappedByteBuffer mapped) {
        this.path = path;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER);
        int metadata = header.getInt(24);
        int values = header.getInt(28);
        int errors = header.getInt(32);
        this.buffers = new StatusBuffers(new UnsafeBuffer(mapped, HEADER, metadata),
            new UnsafeBuffer(mapped, HEADER + metadata, values), new UnsafeBuffer(mapped, HEADER + metadata + values,
            errors));
    }

    /** The default directory, or {@code CONSORT_STAT_DIR} when set. */
    public static Path defaultDir() {
        String dir = System.getenv("CONSORT_STAT_DIR");
        return Path.of(dir != null && !dir.isBlank() ? dir : DEFAULT_DIR);
    }

    public static Path pathOf(Path dir, String name) {
        return dir.resolve(name + SUFFIX);
    }

    /** Makes (or replaces) the status file of member {@code name}, owned by this process. */
    public static StatusFile create(Path dir, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > MAX_NAME || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("a member name is 1 to " + MAX_NAME + " bytes without '/', was '" + name
                + "'");
        }
        File directory = dir.toFile();
        if (!directory.isDirectory() && !directory.mkdirs()) {
            throw new IllegalArgumentException("cannot make the status directory " + dir
                + ": choose a writable one with --stat-dir or CONSORT_STAT_DIR");
        }
        int metadata = StatusBuffers.metadataLength(MAX_COUNTERS);
        int values = StatusBuffers.valuesLength(MAX_COUNTERS);
        int errors = StatusBuffers.DEFAULT_ERROR_LOG_BYTES;
        Path path = pathOf(dir, name);
        File file = path.toFile();
        file.delete();
        MappedByteBuffer mapped = IoUtil.mapNewFile(file, HEADER + metadata + values + errors);
        UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER);
        header.putLong(8, ProcessHandle.current().pid());
        header.putLong(16, System.currentTimeMillis());
        header.putInt(24, metadata);
        header.putInt(28, values);
        header.putInt(32, errors);
        header.putInt(36, nameBytes.length);
        header.putBytes(40, nameBytes);
        header.putLongOrdered(0, MAGIC);
        return new StatusFile(path, mapped);
    }

    /** Maps an existing status file to read it. */
    public static StatusFile open(Path path) {
        File file = path.toFile();
        if (!file.isFile() || file.length() < HEADER) {
            throw new IllegalArgumentException(path + " is not a member's status file");
        }
        MappedByteBuffer mapped = IoUtil.mapExistingFile(file, path.getFileName().toString());
        if (new UnsafeBuffer(mapped, 0, HEADER).getLongVolatile(0) != MAGIC) {
            IoUtil.unmap(mapped);
            throw new IllegalArgumentException(path + " is not a member's status file (or is still being made)");
        }
        return new StatusFile(path, mapped);
    }

    /** The buffers to give the member ({@code MemberConfig.status}) or to read. */
    public StatusBuffers buffers() {
        return buffers;
    }

    /** The member's counters, readable from any process while it runs. */
    public CountersReader counters() {
        return new CountersReader(buffers.countersMetadata(), buffers.countersValues());
    }

    /** The value of the first counter whose label ends with {@code suffix}, or -1 when there is none. */
    public long counter(String suffix) {
        CountersReader reader = counters();
        long[] found = {-1};
        reader.forEach((id, label) -> {
            if (found[0] == -1 && label.endsWith(suffix)) {
                found[0] = reader.getCounterValue(id);
            }
        });
        return found[0];
    }

    public Path path() {
        return path;
    }

    public String name() {
        byte[] bytes = new byte[header.getInt(36)];
        header.getBytes(40, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public long pid() {
        return header.getLong(8);
    }

    public long startMillis() {
        return header.getLong(16);
    }

    /** True while the process that made the file runs. */
    public boolean ownerAlive() {
        return ProcessHandle.of(pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
