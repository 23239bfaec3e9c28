package io.consort.layers.runtime;

/**
 * A member as the group knows it: the transport address it is reached at (an index into the transport's address
 * book) and an incarnation. A process that restarts, or one the group wrongly excluded, comes back as a new
 * incarnation at the same address, so nothing meant for its former self reaches it.
 */
public final class Endpoint implements Comparable<Endpoint> {
    /** Addresses fit the 16-bit field of membership messages. */
    public static final int MAX_ADDRESS = 0xFFFE;

    private final int address;
    private final int incarnation;

    public Endpoint(int address, int incarnation) {
        if (address < 0 || address > MAX_ADDRESS) {
            throw new IllegalArgumentException("an endpoint address is between 0 and " + MAX_ADDRESS + ", was "
                + address);
        }
        this.address = address;
        this.incarnation = incarnation;
    }

    public int address() {
        return address;
    }

    public int incarnation() {
        return incarnation;
    }

    public boolean is(int address, int incarnation) {
        return this.address == address && this.incarnation == incarnation;
    }

    /** Orders by address, then incarnation: the order that decides who leads a merge. */
    @Override
    public int compareTo(Endpoint other) {
        int byAddress = Integer.compare(address, other.address);
        return byAddress != 0 ? byAddress : Integer.compare(incarnation, other.incarnation);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint && ((Endpoint) other).is(address, incarnation);
    }

    @Override
    public int hashCode() {
        return address * 31 + incarnation;
    }

    @Override
    public String toString() {
        return address + "#" + incarnation;
    }
}
