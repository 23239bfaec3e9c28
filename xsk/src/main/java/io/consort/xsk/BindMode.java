package io.consort.xsk;

/** How the kernel moves packet data between the driver and the UMEM. */
public enum BindMode {
    /** Zero-copy where the driver supports it, copy otherwise (the kernel decides at bind). */
    AUTO(0),
    /** Always copy; works on every interface, including veth. */
    COPY(1 << 1),
    /** Zero-copy or fail: binding throws with EOPNOTSUPP on drivers without it (veth, most virtual NICs). */
    ZERO_COPY(1 << 2);

    final int bindFlag;

    BindMode(int bindFlag) {
        this.bindFlag = bindFlag;
    }
}
