package io.consort.xsk.bpf;

/** Counters the steering program keeps in its {@code steer_stats} map, one slot each. */
public enum SteeringStat {
    /** Frames the program looked at. */
    SEEN,
    /** UDP/IPv4 frames sent to an AF_XDP socket. */
    REDIRECTED,
    /** Frames for a routed port on a queue that has no socket for it: passed to the kernel. */
    NO_SOCKET,
    /** Everything else (not UDP/IPv4, port not routed, fragments, truncated): passed to the kernel. */
    PASSED
}
