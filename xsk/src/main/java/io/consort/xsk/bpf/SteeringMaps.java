package io.consort.xsk.bpf;

/**
 * Names and shapes of the steering program's maps; must match {@code consort_xdp.bpf.c}. The maps written
 * here are plain ARRAY or HASH maps, never per-CPU: a per-CPU map written from user space changes one CPU's
 * copy only, and queues served by other CPUs would keep the old configuration (the thesis's pitfall, section
 * 6.4). The counters ({@link #STATS}) are per-CPU because only the program writes them; they are read summed.
 *
 * <p>A <em>group</em> is a set of ports served by the same sockets. The socket for (group, queue, slot) sits
 * at XSKMAP index {@code (group * MAX_QUEUES + queue) * MAX_SOCKETS + slot}; the program round-robins over
 * the first {@code socket_counts[group * MAX_QUEUES + queue]} slots.
 */
final class SteeringMaps {
    static final int MAX_GROUPS = 16;
    static final int MAX_QUEUES = 64;
    static final int MAX_SOCKETS = 16;
    static final int MAX_PORTS = 1024;

    static final String XSKS = "xsks_map";
    static final String SOCKET_COUNTS = "socket_counts";
    static final String PORT_GROUPS = "port_groups";
    static final String PORT_RANGE = "port_range";
    static final String STATS = "steer_stats";

    private SteeringMaps() {
    }

    static int queueKey(int group, int queue) {
        return group * MAX_QUEUES + queue;
    }

    static int xskKey(int group, int queue, int slot) {
        return queueKey(group, queue) * MAX_SOCKETS + slot;
    }
}
