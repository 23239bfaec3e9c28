package io.consort.layers.wire;

import java.nio.ByteOrder;

/**
 * Every identifier that appears on the wire, in one place: the packet magic and version, the message kinds of
 * the bottom header, and the header kinds of each layer. Headers are little-endian.
 */
public final class WireIds {
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final byte MAGIC = (byte) 0xC5;
    public static final byte VERSION = 1;

    /** Bottom header kinds. */
    public static final byte KIND_CAST = 1;
    public static final byte KIND_SEND = 2;
    /** Flag on the kind: no reliability layer sequences this packet. */
    public static final byte KIND_UNRELIABLE = (byte) 0x80;

    /** mnak header kinds. */
    public static final byte MNAK_DATA = 1;
    public static final byte MNAK_NAK = 2;

    /** pt2pt header kinds. */
    public static final byte PT2PT_DATA = 1;
    public static final byte PT2PT_ACK = 2;

    /** stable header kinds. */
    public static final byte STABLE_GOSSIP = 1;

    /** frag header kinds: a fragmented message is FIRST, MIDDLE*, LAST; an unfragmented one has no header. */
    public static final byte FRAG_FIRST = 1;
    public static final byte FRAG_MIDDLE = 2;
    public static final byte FRAG_LAST = 3;

    private WireIds() {
    }
}
