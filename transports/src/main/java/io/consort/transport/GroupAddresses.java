package io.consort.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** The checks both network transports make on their members' addresses and multicast group. */
final class GroupAddresses {
    private GroupAddresses() {
    }

    static void validate(int localRank, InetSocketAddress[] members, InetAddress multicastGroup) {
        if (localRank < 0 || localRank >= members.length) {
            throw new IllegalArgumentException("local rank " + localRank + " is not one of the "
                + members.length + " members " + Arrays.toString(members));
        }
        if (multicastGroup != null && !multicastGroup.isMulticastAddress()) {
            throw new IllegalArgumentException(multicastGroup + " is not a multicast group");
        }
    }
}
