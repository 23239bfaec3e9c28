package io.consort.xsk.bpf;

/** What an XDP program decided for a frame ({@code enum xdp_action}). */
public enum XdpVerdict {
    ABORTED, DROP, PASS, TX, REDIRECT;

    static XdpVerdict of(int action) {
        if (action < 0 || action >= values().length) {
            throw new IllegalArgumentException("unknown XDP action " + action);
        }
        return values()[action];
    }
}
