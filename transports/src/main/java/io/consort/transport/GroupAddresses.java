package io.consort.transport;

import java.net.Inet4Address;
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
        for (int rank = 0; rank < members.length; rank++) {
            InetSocketAddress member = members[rank];
            if (member == null || member.getAddress() == null || !(member.getAddress() instanceof Inet4Address)) {
                throw new IllegalArgumentException("member " + rank + " needs a resolved IPv4 address, was " + member);
            }
            for (int other = 0; other < rank; other++) {
                if (member.equals(members[other])) {
                    throw new IllegalArgumentException("members " + other + " and " + rank + " have the same address "
                        + member.getAddress().getHostAddress() + ":" + member.getPort() + ": give each member its own"
                        + " address or port");
                }
            }
        }
        if (multicastGroup != null && !multicastGroup.isMulticastAddress()) {
            throw new IllegalArgumentException(multicastGroup + " is not a multicast group");
        }
    }
}
