package io.consort.xsk.ring;

/** Packets to send: 16-byte {@code xdp_desc} entries (UMEM address of the data, length, options). */
public final class TxRing extends ProducerRing {
    /** {@code XDP_PKT_CONTD}: the packet continues in the next descriptor (sockets bound with XDP_USE_SG). */
    public static final int PACKET_CONTINUES = 1;

    public TxRing(RingMemory memory) {
        super("tx", memory, Descriptor.BYTES);
    }

    /** Describes reserved slot {@code ringIndex} (from {@link #reservedIndex()} on). */
    public void setDescriptor(int ringIndex, long umemAddress, int length) {
        setDescriptor(ringIndex, umemAddress, length, 0);
    }

    /** Describes reserved slot {@code ringIndex} with {@code options} (such as {@link #PACKET_CONTINUES}). */
    public void setDescriptor(int ringIndex, long umemAddress, int length, int options) {
        int slot = descriptorIndex(ringIndex);
        descriptorBuffer().putLong(Descriptor.addressOffset(slot), umemAddress);
        descriptorBuffer().putInt(Descriptor.lengthOffset(slot), length);
        descriptorBuffer().putInt(Descriptor.optionsOffset(slot), options);
    }

    /** Reserves, writes and submits up to {@code count} descriptors; returns how many went in. */
    public int produce(long[] addresses, int[] lengths, int count) {
        int n = reserve(count);
        int index = reservedIndex();
        for (int i = 0; i < n; i++) {
            setDescriptor(index + i, addresses[i], lengths[i]);
        }
        if (n > 0) {
            submit(n);
        }
        return n;
    }
}
