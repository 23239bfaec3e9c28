package io.consort.bench.compare;

import org.agrona.concurrent.UnsafeBuffer;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;

/**
 * A JGroups group in this JVM, configured as JGroups ships it, less RED: {@code jgroups-udp.xml} (its udp.xml: IP
 * multicast, its default stack and bundler), or the same protocols over {@code SHARED_LOOPBACK} (in memory) from
 * {@code jgroups-shared-loopback.xml}, or those with total order by JGroups' SEQUENCER ({@code inmem-seq}). Each message is a fresh byte array, as JGroups requires (it may
 * retransmit it after send returns).
 */
final class JGroupsGroup implements GroupUnderTest {
    private final JChannel[] channels;
    private final Deliveries[] deliveries;

    JGroupsGroup(String transport, int size) throws Exception {
        String config = switch (transport) {
            case "udp" -> "jgroups-udp.xml";
            case "inmem" -> "jgroups-shared-loopback.xml";
            case "inmem-seq" -> "jgroups-shared-loopback-sequencer.xml";
            default -> throw new IllegalArgumentException("--transport is udp, inmem or inmem-seq for JGroups, not "
                + transport);
        };
        channels = new JChannel[size];
        deliveries = new Deliveries[size];
        String cluster = "consort-compare-" + ProcessHandle.current().pid();
        for (int rank = 0; rank < size; rank++) {
            deliveries[rank] = new Deliveries(size);
            channels[rank] = new JChannel(config).name("m" + rank);
            channels[rank].setReceiver(new Counter(deliveries[rank]));
            channels[rank].connect(cluster);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!formed()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("JGroups members did not form one view: " + channels[0].getView());
            }
            Thread.sleep(10);
        }
    }

    private boolean formed() {
        for (JChannel channel : channels) {
            if (channel.getView() == null || channel.getView().size() != channels.length) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int size() {
        return channels.length;
    }

    @Override
    public boolean multicast(int rank, long seqno, int length) {
        byte[] bytes = new byte[length];
        Probe.write(new UnsafeBuffer(bytes), 0, rank, seqno);
        try {
            channels[rank].send(new BytesMessage(null, bytes));
            return true;
        } catch (Exception e) {
            throw new IllegalStateException("JGroups send failed", e);
        }
    }

    @Override
    public Deliveries deliveries(int rank) {
        return deliveries[rank];
    }

    @Override
    public void close() {
        if (Boolean.getBoolean("consort.compare.dump")) {
            channels[0].dumpStats().forEach((protocol, stats) -> System.err.println(protocol + " " + stats));
        }
        for (int rank = channels.length - 1; rank >= 0; rank--) {
            channels[rank].close();
        }
    }

    private static final class Counter implements Receiver {
        private final Deliveries deliveries;

        Counter(Deliveries deliveries) {
            this.deliveries = deliveries;
        }

        @Override
        public void receive(Message message) {
            // One origin is delivered by one thread at a time, but two origins may be delivered at once.
            UnsafeBuffer buffer = new UnsafeBuffer(message.getArray(), message.getOffset(), message.getLength());
            deliveries.onMessage(buffer, 0, message.getLength());
        }
    }
}
