package io.consort.cli.tools;

import io.consort.xsk.packet.Ipv4Address;
import java.net.InetSocketAddress;

/** Parses {@code ip:port} options; only literal IPv4 addresses, never host names. */
final class Endpoints {
    private Endpoints() {
    }

    static InetSocketAddress parse(String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new Args.UsageException("--" + option + " must be ip:port, was '" + text + "'");
        }
        try {
            int ip = Ipv4Address.parse(text.substring(0, colon));
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 0xFFFF) {
                throw new NumberFormatException("port out of range");
            }
            return new InetSocketAddress(Ipv4Address.toInetAddress(ip), port);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--" + option + " must be ip:port, was '" + text + "': " + e.getMessage());
        }
    }
}
