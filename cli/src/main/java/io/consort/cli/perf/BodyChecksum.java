package io.consort.cli.perf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;

/**
 * CRC32C over a range of any Agrona buffer without allocating: straight over the array of a heap buffer, over a
 * reused view of a direct one (the JDK's CRC32C uses the CPU's instruction on both), through a scratch copy only
 * for memory wrapped by raw address. One instance per thread.
 */
final class BodyChecksum {
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch;
    private ByteBuffer source;
    private ByteBuffer view;

    /** @param maxLength the longest range checksummed (sizes the scratch copy) */
    BodyChecksum(int maxLength) {
        scratch = new byte[maxLength];
    }

    int compute(DirectBuffer buffer, int offset, int length) {
        crc.reset();
        byte[] array = buffer.byteArray();
        ByteBuffer bytes = buffer.byteBuffer();
        if (array != null) {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
        } else if (bytes != null && bytes.isDirect()) {
            if (bytes != source) {
                source = bytes; // a frame pool's buffers are few: a view is made once per region
                view = bytes.duplicate();
            }
            int from = buffer.wrapAdjustment() + offset;
            view.clear();
            view.position(from).limit(from + length);
            crc.update(view);
        } else {
            buffer.getBytes(offset, scratch, 0, length);
            crc.update(scratch, 0, length);
        }
        return (int) crc.getValue();
    }
}
