package io.consort.xsk.bpf;

/** Where the XDP program runs (libxdp's {@code enum xdp_attach_mode}). */
public enum AttachMode {
    /** In the driver, before an skb exists: fastest, needs driver support (veth has it). */
    NATIVE(1),
    /** Generic XDP on the skb: works on every interface, slower. */
    SKB(2);

    final int libxdpMode;

    AttachMode(int libxdpMode) {
        this.libxdpMode = libxdpMode;
    }
}
