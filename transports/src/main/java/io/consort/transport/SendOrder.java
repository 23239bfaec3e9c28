package io.consort.transport;

import java.util.Arrays;

/**
 * A send queue laid out as the native call takes it: offsets, lengths, addresses and ports, the last two looked
 * up from each entry's destination key (a member's rank, or the member count for the multicast group). Either in
 * the order queued, or sorted by key with each destination's datagrams in the order queued (a stable counting
 * sort), so that equal datagrams to one destination lie next to each other and can go as one GSO message; only
 * the order between destinations changes, which no layer relies on. Allocation-free.
 */
final class SendOrder {
    final int[] offsets;
    final int[] lengths;
    final int[] addresses;
    final int[] ports;
    private final int[] keyAddresses;
    private final int[] keyPorts;
    private final int[] next;

    /** {@code keyAddresses}/{@code keyPorts}: the destination of each key. */
    SendOrder(int capacity, int[] keyAddresses, int[] keyPorts) {
        offsets = new int[capacity];
        lengths = new int[capacity];
        addresses = new int[capacity];
        ports = new int[capacity];
        this.keyAddresses = keyAddresses;
        this.keyPorts = keyPorts;
        next = new int[keyAddresses.length + 1];
    }

    /** Lays out {@code count} queued datagrams, sorted by key when {@code byKey}. */
    void arrange(int[] fromOffsets, int[] fromLengths, int[] keys, int count, boolean byKey) {
        if (byKey) {
            Arrays.fill(next, 0);
            for (int i = 0; i < count; i++) {
                next[keys[i] + 1]++;
            }
            for (int key = 1; key < next.length; key++) {
                next[key] += next[key - 1];
            }
        }
        for (int i = 0; i < count; i++) {
            int key = keys[i];
            int at = byKey ? next[key]++ : i;
            offsets[at] = fromOffsets[i];
            lengths[at] = fromLengths[i];
            addresses[at] = keyAddresses[key];
            ports[at] = keyPorts[key];
        }
    }
}
