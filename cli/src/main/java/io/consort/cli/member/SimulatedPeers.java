package io.consort.cli.member;

import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.stacks.StackDescription;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The other members of a {@code --transport sim} group: quiet members at addresses 1 to N of an in-memory
 * network, run on the same duty thread as the member (the in-memory rings have one writer each).
 */
final class SimulatedPeers {
    private SimulatedPeers() {
    }

    static List<Member> start(InMemoryNetwork network, int group, StackDescription stack, int[] seeds) {
        List<Member> peers = new ArrayList<>();
        for (int address = 1; address < network.size(); address++) {
            int at = address;
            peers.add(Member.join(group, new Endpoint(address, 1), seeds,
                MemberConfig.sizedFor(Math.max(2, network.size()), MemberCommand.MAX_MESSAGE), stack::layers,
                (frames, counters) -> network.transport(at, frames, counters), new Quiet(), SystemNanoClock.INSTANCE));
        }
        return peers;
    }

    private static final class Quiet implements MessageHandler {
        @Override
        public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        }
    }
}
