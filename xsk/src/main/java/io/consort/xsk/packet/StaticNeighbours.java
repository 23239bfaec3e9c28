package io.consort.xsk.packet;

import org.agrona.collections.Long2LongHashMap;

/** A neighbour table given by configuration (or a snapshot of the kernel's, see {@link KernelNeighbours}). */
public final class StaticNeighbours implements NeighbourTable {
    private final Long2LongHashMap macs = new Long2LongHashMap(MacAddress.NONE);

    public StaticNeighbours put(int ip, long mac) {
        macs.put(ip & 0xFFFF_FFFFL, mac);
        return this;
    }

    public StaticNeighbours put(String ip, String mac) {
        return put(Ipv4Address.parse(ip), MacAddress.parse(mac));
    }

    @Override
    public long macOf(int ip) {
        if (Ipv4Address.isMulticast(ip)) {
            return MacAddress.forIpv4Multicast(ip);
        }
        return macs.get(ip & 0xFFFF_FFFFL);
    }

    public int size() {
        return macs.size();
    }
}
