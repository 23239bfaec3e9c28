package io.consort.sim.group;

import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.MemberAgent;
import io.consort.layers.runtime.MemberConfig;

/**
 * Member configurations just large enough for a group: the receive account covers what mnak, pt2pt and frag may
 * hold for every other member, the send account a few of the largest messages. Keeps simulated groups of eight
 * members with 4 MiB messages within a test JVM's memory.
 */
public final class Sizing {
    /** Bytes of headers a stack may push: bottom 24, mnak 6, pt2pt 5, frag 5, chk_fifo 5, and some to spare. */
    static final int STACK_HEADERS = 48;

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
        FramePoolConfig frames = new FramePoolConfig();
        int perFrame = Math.min(frames.frameSize() - frames.headroom(), maxPacketLength - STACK_HEADERS);
        int perMessage = Math.max(1, (maxMessageLength + perFrame - 1) / perFrame);
        int pollLimit = 64;
        int receive = pollLimit + (members - 1) * (3 * window + 2 * perMessage) + 64;
        int send = Math.max(1024, 2 * perMessage + 2 * window);
        int control = 256;
        frames.frameCount(receive + send + control).receiveLimit(receive).sendLimit(send).controlLimit(control);
        int events = send + 2 * (members - 1) * window + 2 * members + MemberAgent.EVENT_RESERVE + 256;
        return new MemberConfig().frames(frames).eventCount(events).maxMessageLength(maxMessageLength)
            .pollLimit(pollLimit).errorHandler(Sizing::failFast);
    }
}
