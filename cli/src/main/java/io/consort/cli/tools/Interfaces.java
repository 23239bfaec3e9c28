package io.consort.cli.tools;

import io.consort.xsk.packet.KernelNeighbours;
import io.consort.xsk.packet.MacAddress;
import java.io.IOException;

/** MAC addresses of local interfaces and of neighbours, as the tools' address options need them. */
final class Interfaces {
    private Interfaces() {
    }

    /** The MAC of {@code name} in the calling thread's network namespace. */
    static long macOf(String name) {
        return MacAddress.ofInterface(name);
    }

    /** {@code --<option>} as a MAC, else the kernel's neighbour entry for {@code ip} on {@code device}. */
    static long neighbourMac(Args args, String option, int ip, String device) throws IOException {
        if (args.has(option)) {
            return MacAddress.parse(args.string(option, null));
        }
        long mac = KernelNeighbours.resolve(ip, device, 1000);
        if (mac == MacAddress.NONE) {
            throw new Args.UsageException("no neighbour entry for the destination on " + device + "; give --" + option);
        }
        return mac;
    }
}
