package io.consort.bench.compare;

import io.consort.bench.BenchGroup;
import io.consort.layers.api.Member;
import io.consort.layers.api.MessageHandler;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.runtime.View;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.stacks.StackDescription;
import io.consort.transport.BatchedUdpTransport;
import io.consort.transport.UdpTransport;
import io.consort.transport.UdpTransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed Consort group ({@code Member.create}, ranks 0..n-1) with each member's duty cycle on its own
 * {@link AgentRunner} thread and a real clock, as an application runs it. Over the in-memory network, or kernel
 * UDP on 127.0.0.1 (unicast fan-out) a datagram per system call ({@code udp}) or batched with sendmmsg/recvmmsg
 * ({@code udp-mmsg}); optionally with the transport wrapped by {@code wrap} (bundling).
 */
final class ConsortGroup implements GroupUnderTest {
    private final Member[] members;
    private final AgentRunner[] runners;
    private final Deliveries[] deliveries;
    private final UnsafeBuffer[] payloads;

    /**
     * {@code maxPacketLength}: the UDP transports' datagram limit (1472 fits a 1500-byte MTU; loopback takes 64 KiB);
     * {@code offload}: the batched transport's UDP GSO/GRO.
     */
    ConsortGroup(String transport, int size, int maxMessageLength, int maxPacketLength, boolean offload, String stack,
                 java.util.function.UnaryOperator<TransportFactory> wrap) {
        members = new Member[size];
        runners = new AgentRunner[size];
        deliveries = new Deliveries[size];
        payloads = new UnsafeBuffer[size];
        InMemoryNetwork network = transport.equals("inmem")
            ? new InMemoryNetwork(size, BenchGroup.NETWORK_RING_BYTES, BenchGroup.MAX_PACKET_LENGTH) : null;
        InetSocketAddress[] addresses = network == null ? udpAddresses(size) : null;
        StackDescription description = StackDescription.parse(stack);
        for (int rank = 0; rank < size; rank++) {
            int me = rank;
            TransportFactory factory = switch (transport) {
                case "inmem" -> (frames, counters) -> network.transport(me, frames, counters);
                case "udp" -> UdpTransport.factory(new UdpTransportConfig().members(rank, addresses)
                    .maxPacketLength(maxPacketLength));
                case "udp-mmsg" -> BatchedUdpTransport.factory(new UdpTransportConfig().members(rank, addresses)
                    .maxPacketLength(maxPacketLength).segmentOffload(offload));
                default -> throw new IllegalArgumentException("--transport is inmem, udp or udp-mmsg, not " + transport);
            };
            Deliveries mine = new Deliveries(size);
            deliveries[rank] = mine;
            MemberConfig config = BenchGroup.config(maxMessageLength);
            // Frames big enough for the largest datagram, headroom included (a power of two).
            config.frames().frameSize(Math.max(config.frames().frameSize(),
                Integer.highestOneBit(maxPacketLength + config.frames().headroom() - 1) << 1));
            members[rank] = Member.create(new View(1, rank, size), config,
                description.layers(), wrap.apply(factory), new Handler(mine), SystemNanoClock.INSTANCE);
            payloads[rank] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxMessageLength, 64));
        }
        for (int rank = 0; rank < size; rank++) {
            runners[rank] = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null,
                members[rank].agent());
            AgentRunner.startOnThread(runners[rank]);
        }
    }

    private static InetSocketAddress[] udpAddresses(int size) {
        InetSocketAddress[] addresses = new InetSocketAddress[size];
        for (int rank = 0; rank < size; rank++) {
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                addresses[rank] = (InetSocketAddress) probe.getLocalAddress();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return addresses;
    }

    @Override
    public int size() {
        return members.length;
    }

    @Override
    public boolean multicast(int rank, long seqno, int length) {
        UnsafeBuffer payload = payloads[rank];
        Probe.write(payload, 0, rank, seqno);
        return members[rank].multicast(payload, 0, length) == SendResult.OK;
    }

    @Override
    public Deliveries deliveries(int rank) {
        return deliveries[rank];
    }

    /** Dropped and retransmitted packets over the whole group, for the CSV. */
    long counterSum(String text) {
        long total = 0;
        for (var entry : sums().entrySet()) {
            if (entry.getKey().contains(text)) {
                total += entry.getValue();
            }
        }
        return total;
    }

    /** Every counter that is not zero, summed over the members by label: for {@code --counters}. */
    String nonZeroCounters() {
        StringBuilder out = new StringBuilder();
        sums().forEach((label, value) -> {
            if (value != 0) {
                out.append(label).append(": ").append(value).append('\n');
            }
        });
        return out.toString();
    }

    /** Every counter summed over the members, by label without the member's name. */
    private Map<String, Long> sums() {
        Map<String, Long> sums = new TreeMap<>();
        for (Member member : members) {
            var reader = member.counters().reader();
            reader.forEach((id, label) -> sums.merge(label.replaceFirst("^[^ ]* ", ""), reader.getCounterValue(id),
                Long::sum));
        }
        return sums;
    }

    @Override
    public void close() {
        for (AgentRunner runner : runners) {
            runner.close();
        }
        for (Member member : members) {
            member.close();
        }
    }

    private static final class Handler implements MessageHandler {
        private final Deliveries deliveries;

        Handler(Deliveries deliveries) {
            this.deliveries = deliveries;
        }

        @Override
        public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
            deliveries.onMessage(buffer, offset, length);
        }
    }
}
