package io.consort.cli.member;

import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.BundlingTransport;
import java.net.InetAddress;
import io.consort.transport.BatchedUdpTransport;
import io.consort.transport.UdpTransport;
import io.consort.transport.UdpTransportConfig;
import io.consort.transport.XskTransport;
import io.consort.transport.XskTransportConfig;
import io.consort.xsk.bpf.AttachMode;

/**
 * The transports {@code consort member} and {@code consort perf} run on: kernel UDP anywhere (one datagram per
 * system call, or batched with {@code sendmmsg}/{@code recvmmsg} and small packets bundled per destination), AF_XDP
 * on a named interface (small packets bundled too). Every member of a group must use the same one. The batched
 * UDP and AF_XDP transports send casts by IP multicast when asked ({@code --multicast}, the default in a lab);
 * else as a unicast fan-out.
 */
public final class Transports {
    private Transports() {
    }

    public static TransportFactory udp(AddressBook book) {
        return UdpTransport.factory(new UdpTransportConfig().members(book.self(), book.addresses()));
    }

    public static TransportFactory udpBatched(AddressBook book, boolean multicast) {
        UdpTransportConfig config = new UdpTransportConfig().members(book.self(), book.addresses());
        if (multicast) {
            config.multicast(group(book), null);
        }
        return BatchedUdpTransport.bundled(config);
    }

    private static InetAddress group(AddressBook book) {
        InetAddress group = book.multicastGroup();
        if (group == null) {
            throw new IllegalArgumentException("--multicast needs every member on an address of its own (not"
                + " loopback) and all on one port, as in a lab; leave it out (or --multicast=false) to fan casts out"
                + " as unicast");
        }
        return group;
    }

    public static TransportFactory xdp(AddressBook book, String interfaceName, int queue, String mode,
                                       boolean multicast) {
        if (interfaceName == null) {
            throw new IllegalArgumentException("--transport xdp needs --interface: the interface that carries "
                + book.label(book.self()) + " (see ip -br addr)");
        }
        AttachMode attach = switch (mode) {
            case "skb" -> AttachMode.SKB;
            case "native" -> AttachMode.NATIVE;
            default -> throw new IllegalArgumentException("--xdp-mode is skb or native, was '" + mode + "'");
        };
        XskTransportConfig config = new XskTransportConfig(interfaceName).queue(queue).attachMode(attach)
            .ringSize(1024).members(book.self(), book.addresses());
        if (multicast) {
            config.multicast(group(book));
        }
        return BundlingTransport.wrap(XskTransport.factory(config));
    }
}
