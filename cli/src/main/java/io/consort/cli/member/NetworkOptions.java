package io.consort.cli.member;

import io.consort.layers.runtime.TransportFactory;
import picocli.CommandLine.Option;

/**
 * The options {@code member} and {@code perf} share for what lies under the transport: AF_XDP's interface, queue
 * and attach mode, and whether casts go by IP multicast. A picocli mixin.
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
        if (!xdpMode.equals("skb") && !xdpMode.equals("native")) {
            throw new IllegalArgumentException("--xdp-mode is skb or native, was '" + xdpMode + "'");
        }
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
            case "udp" -> Transports.udp(book);
            case "udp-batched" -> Transports.udpBatched(book, byMulticast);
            case "xdp" -> Transports.xdp(book, interfaceName, queue, xdpMode, byMulticast);
            default -> null;
        };
    }
}
