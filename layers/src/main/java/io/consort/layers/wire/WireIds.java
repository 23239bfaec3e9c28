package io.consort.layers.wire;

import java.nio.ByteOrder;

/**
 * Every identifier that appears on the wire, in one place: the packet magic and version, the message kinds of
 * the bottom header, and the header kinds of each layer. Headers are little-endian.
 */
public final class WireIds {
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final byte MAGIC = (byte) 0xC5;
    public static final byte VERSION = 2;

    /** Bottom header kinds. */
    public static final byte KIND_CAST = 1;
    public static final byte KIND_SEND = 2;
    /** A membership message: taken whatever the view, see {@link BottomHeader}. */
    public static final byte KIND_MEMBERSHIP = 3;
    /** Flag on the kind: no reliability layer sequences this packet. */
    public static final byte KIND_UNRELIABLE = (byte) 0x80;

    /** mnak header kinds. */
    public static final byte MNAK_DATA = 1;
    public static final byte MNAK_NAK = 2;
    /** A cast of another origin, resent during a flush by a member that has it. */
    public static final byte MNAK_REPAIR = 3;

    /** pt2pt header kinds. */
    public static final byte PT2PT_DATA = 1;
    public static final byte PT2PT_ACK = 2;
    /** DATA to acknowledge at once. */
    public static final byte PT2PT_DATA_URGENT = 3;

    /** stable header kinds. */
    public static final byte STABLE_GOSSIP = 1;

    /** suspect header kinds. */
    public static final byte SUSPECT_HEARTBEAT = 1;
    public static final byte SUSPECT_SLANDER = 2;

    /** gmp header kinds: reliable control messages within a view, the steps of a flush. */
    public static final byte GMP_FLUSH = 1;
    public static final byte GMP_DRAINED = 2;
    public static final byte GMP_BLOCK = 3;
    public static final byte GMP_BLOCK_OK = 4;
    public static final byte GMP_CUT = 5;
    public static final byte GMP_CUT_DONE = 6;
    public static final byte GMP_LEAVE = 7;
    /** gmp membership messages, between views. */
    public static final byte GMP_VIEW = 16;
    public static final byte GMP_VIEW_ACK = 17;
    public static final byte GMP_PROBE = 18;
    public static final byte GMP_MERGE_REQUEST = 19;
    public static final byte GMP_MERGE_GRANT = 20;
    public static final byte GMP_MERGE_DENY = 21;

    /** total header kind: the sequencer's ordering decision. */
    public static final byte TOTAL_ORDER = 1;

    /** chk_total header kind: a member's delivery count and the hash of its delivery order up to there. */
    public static final byte CHK_TOTAL = 1;

    /** chk_fifo header kind. */
    public static final byte CHK_FIFO = 1;

    /** frag header kinds: a fragmented message is FIRST, MIDDLE*, LAST; an unfragmented one has no header. */
    public static final byte FRAG_FIRST = 1;
    public static final byte FRAG_MIDDLE = 2;
    public static final byte FRAG_LAST = 3;

    /** xfer kinds: a member's state report (cast), a chunk of state and its end (sends from the donor). */
    public static final byte XFER_STATUS = 1;
    public static final byte XFER_CHUNK = 2;
    public static final byte XFER_END = 3;

    private WireIds() {
    }
}
