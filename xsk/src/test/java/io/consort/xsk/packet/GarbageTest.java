package io.consort.xsk.packet;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/** Whatever arrives, the parser answers with a reason and reads nothing outside the frame. */
class GarbageTest {
    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll @Size(max = 1600) byte[] bytes, @ForAll boolean partial) {
        UdpFrameParser parser = new UdpFrameParser()
            .checksumPolicy(partial ? UdpChecksumPolicy.VERIFY_OR_PARTIAL : UdpChecksumPolicy.VERIFY);
        // The frame sits exactly at the end of its buffer: any read past it would throw.
        assertNotNull(parser.parse(new UnsafeBuffer(bytes), 0, bytes.length));
    }

    @Property(tries = 2000)
    void mutatedValidFramesNeverThrow(@ForAll @Size(max = 300) byte[] payload,
                                      @ForAll @IntRange(max = 400) int position, @ForAll byte value,
                                      @ForAll @IntRange(max = 400) int cut) {
        UnsafeBuffer buffer = Frames.clientToServer(payload);
        int length = 42 + payload.length;
        buffer.putByte(Frames.frameIndex() + position % length, value);
        int visible = Math.min(length, cut);
        UnsafeBuffer exact = new UnsafeBuffer(buffer.byteArray(), Frames.frameIndex(), visible);
        assertNotNull(Frames.serverParser().parse(exact, 0, visible));
    }
}
