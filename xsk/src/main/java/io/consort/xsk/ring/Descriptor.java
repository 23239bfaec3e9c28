package io.consort.xsk.ring;

/**
 * Layout of the kernel's {@code struct xdp_desc}, the Rx and Tx ring entry.
 * <pre>
 *  0               8           12          16
 *  +---------------+-----------+-----------+
 *  | addr (u64)    | len (u32) | options   |
 *  +---------------+-----------+-----------+
 * </pre>
 */
final class Descriptor {
    static final int BYTES = 16;

    private Descriptor() {
    }

    static int addressOffset(int slot) {
        return slot * BYTES;
    }

    static int lengthOffset(int slot) {
        return slot * BYTES + 8;
    }

    static int optionsOffset(int slot) {
        return slot * BYTES + 12;
    }
}
