package io.consort.transport;

import java.util.Arrays;

/**
 * A send queue reordered by member, each member's datagrams in the order they were queued (a stable counting
 * sort), so that equal datagrams to one member lie next to each other and can go as one GSO message. Only the
 * order between members changes, which no layer relies on. Allocation-free.
 */
final class SortedBatch {
    final int[] offsets;
    final int[] lengths;
    final int[] addresses;
    final int[] ports;
    private final int[] next;

    SortedBatch(int capacity, int members) {
        offsets = new int[capacity];
        lengths = new int[capacity];
        addresses = new int[capacity];
        ports = new int[capacity];
        next = new int[members + 1];
    }

    void sort(int[] fromOffsets, int[] fromLengths, int[] fromAddresses, int[] fromPorts, int[] ranks, int count) {
        Arrays.fill(next, 0);
        for (int i = 0; i < count; i++) {
            next[ranks[i] + 1]++;
        }
        for (int rank = 1; rank < next.length; rank++) {
            next[rank] += next[rank - 1];
        }
        for (int i = 0; i < count; i++) {
            int at = next[ranks[i]]++;
            offsets[at] = fromOffsets[i];
            lengths[at] = fromLengths[i];
            addresses[at] = fromAddresses[i];
            ports[at] = fromPorts[i];
        }
    }
}
