package io.consort.xsk;

/** Where an {@link XskSocket} binds (interface and queue) and how (ring sizes, copy mode, wakeups). */
public final class XskSocketConfig {
    private final String interfaceName;
    private final int queue;
    private int rxRingSize = 2048;
    private int txRingSize = 2048;
    private BindMode bindMode = BindMode.AUTO;
    private boolean needWakeup = true;
    private boolean multiBuffer;

    public XskSocketConfig(String interfaceName, int queue) {
        if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() > 15) {
            throw new IllegalArgumentException("interface name must have 1 to 15 characters: " + interfaceName);
        }
        if (queue < 0) {
            throw new IllegalArgumentException("queue must not be negative, was " + queue);
        }
        this.interfaceName = interfaceName;
        this.queue = queue;
    }

    public XskSocketConfig rxRingSize(int size) {
        UmemConfig.requirePowerOfTwo("rxRingSize", size);
        this.rxRingSize = size;
        return this;
    }

    public XskSocketConfig txRingSize(int size) {
        UmemConfig.requirePowerOfTwo("txRingSize", size);
        this.txRingSize = size;
        return this;
    }

    public XskSocketConfig bindMode(BindMode mode) {
        this.bindMode = mode;
        return this;
    }

    /**
     * With {@code XDP_USE_NEED_WAKEUP} (the default) the kernel sets a flag on the fill and tx rings when it
     * needs a system call to make progress, and we only kick then; without, every send kicks.
     */
    public XskSocketConfig needWakeup(boolean needWakeup) {
        this.needWakeup = needWakeup;
        return this;
    }

    /**
     * With {@code XDP_USE_SG} a packet may span several descriptors, all but the last marked
     * {@link io.consort.xsk.ring.TxRing#PACKET_CONTINUES} (the kernel joins them; a receiver sees one frame when it
     * fits one). The socket may then also receive a packet larger than a frame as several descriptors, which
     * {@link XskSocket#receive} hands over one by one: keep the MTU within a frame, as Consort's transport does.
     */
    public XskSocketConfig multiBuffer(boolean multiBuffer) {
        this.multiBuffer = multiBuffer;
        return this;
    }

    public boolean multiBuffer() {
        return multiBuffer;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int queue() {
        return queue;
    }

    public int rxRingSize() {
        return rxRingSize;
    }

    public int txRingSize() {
        return txRingSize;
    }

    public BindMode bindMode() {
        return bindMode;
    }

    public boolean needWakeup() {
        return needWakeup;
    }

    int bindFlags() {
        return bindMode.bindFlag | (needWakeup ? 1 << 3 : 0) | (multiBuffer ? 1 << 4 : 0);
    }
}
