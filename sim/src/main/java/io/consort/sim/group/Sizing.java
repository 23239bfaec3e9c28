package io.consort.sim.group;

import io.consort.layers.runtime.MemberConfig;

/**
 * Member configurations just large enough for a group: the receive account covers what mnak, pt2pt and frag may
 * hold for every other member, the send account a few of the largest messages. Keeps simulated groups of eight
 * members with 4 MiB messages within a test JVM's memory.
 */
public final class Sizing {
    private Sizing() {
    }

    /** The reliable stack with every window set to {@code window}. */
    public static String reliableStack(int window) {
        return "frag:flow(casts=" + window + ",sends=" + window + "):stable:pt2pt(window=" + window
            + "):mnak(window=" + window + ")";
    }

    /** In the simulator an error in a duty cycle is a bug to see at once, with its seed: it ends the run. */
    static void failFast(Throwable error) {
        throw new IllegalStateException("a member's duty cycle failed", error);
    }

    public static MemberConfig memberConfig(int members, int maxMessageLength, int window, int maxPacketLength) {
        return MemberConfig.sizedFor(Math.max(2, members), maxMessageLength, window, maxPacketLength)
            .errorHandler(Sizing::failFast);
    }
}
