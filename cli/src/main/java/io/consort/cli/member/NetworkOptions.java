package io.consort.cli.member;

import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.BundlingTransport;
import io.consort.transport.BatchedUdpTransport;
import io.consort.transport.UdpTransport;
import io.consort.transport.UdpTransportConfig;
import io.consort.transport.XskTransport;
import io.consort.transport.XskTransportConfig;
import io.consort.xsk.bpf.AttachMode;
import java.net.InetAddress;
import picocli.CommandLine.Option;

/**
 * The transports {@code member} and {@code perf} run on, and the options they share for them: kernel UDP (one
 * datagram per system call, or batched with {@code sendmmsg}/{@code recvmmsg}, segmentation offload and small
 * packets bundled per destination), AF_XDP on a named interface (small packets bundled too), and whether casts go
 * by IP multicast. Every member of a group must use the same transport. A picocli mixin.
 */
public final class NetworkOptions {
    @Option(names = "--multicast", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
        description = "Send casts by IP multicast (udp-batched, xdp): needs every member on its own address and"
            + " one port, and a network that carries multicast, as a lab's bridge does (default: in a lab, yes;"
            + " else a unicast fan-out).")
    public Boolean multicast;

    @Option(names = "--interface", paramLabel = "IF", description = "Interface for --transport xdp.")
    public String interfaceName;

    @Option(names = "--queue", defaultValue = "0", paramLabel = "Q",
        description = "Queue of the interface for xdp (default: ${DEFAULT-VALUE}).")
    public int queue;

    @Option(names = "--xdp-mode", defaultValue = "skb", paramLabel = "skb|native",
        description = "How the XDP program attaches (default: ${DEFAULT-VALUE}).")
    public String xdpMode;

    /** Fails, saying what to change, on a queue or attach mode that cannot be. */
    public void validate() {
        if (queue < 0) {
            throw new IllegalArgumentException("--queue must be 0 or more, was " + queue);
        }
        attachMode();
    }

    private AttachMode attachMode() {
        return switch (xdpMode) {
            case "skb" -> AttachMode.SKB;
            case "native" -> AttachMode.NATIVE;
            default -> throw new IllegalArgumentException("--xdp-mode is skb or native, was '" + xdpMode + "'");
        };
    }

    /** Whether {@code transport}'s casts go by IP multicast: as {@code --multicast} says, or else in a lab. */
    public boolean byMulticast(String transport, boolean inLab) {
        boolean can = transport.equals("udp-batched") || transport.equals("xdp");
        return can && (multicast != null ? multicast : inLab);
    }

    /** The factory for {@code --transport udp}, {@code udp-batched} or {@code xdp}; null for any other. */
    public TransportFactory factory(String transport, AddressBook book, boolean inLab) {
        boolean byMulticast = byMulticast(transport, inLab);
        return switch (transport) {
            case "udp" -> UdpTransport.factory(udpConfig(book));
            case "udp-batched" -> BatchedUdpTransport.bundled(byMulticast
                ? udpConfig(book).multicast(group(book), null) : udpConfig(book));
            case "xdp" -> BundlingTransport.wrap(XskTransport.factory(xdpConfig(book, byMulticast)));
            default -> null;
        };
    }

    private static UdpTransportConfig udpConfig(AddressBook book) {
        return new UdpTransportConfig().members(book.self(), book.addresses());
    }

    private XskTransportConfig xdpConfig(AddressBook book, boolean byMulticast) {
        if (interfaceName == null) {
            throw new IllegalArgumentException("--transport xdp needs --interface: the interface that carries "
                + book.label(book.self()) + " (see ip -br addr)");
        }
        XskTransportConfig config = new XskTransportConfig(interfaceName).queue(queue).attachMode(attachMode())
            .ringSize(1024).members(book.self(), book.addresses());
        return byMulticast ? config.multicast(group(book)) : config;
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
}
