package io.consort.cli.lab;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consort lab up|down}: N network namespaces on one Linux bridge, to run a group of member processes on
 * one machine as if on separate hosts. Member i lives in namespace {@code csxlab-m<i>} on interface
 * {@code csxl<i>} at {@code 10.77.9.<i+1>}; the bridge {@code csxlbr0} lives in {@code csxlab-br}. Needs root.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = "Builds (up) or removes (down) a lab of network namespaces on a bridge, for member processes.",
    subcommands = {LabCommand.Up.class, LabCommand.Down.class})
public final class LabCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("say 'consort lab up' or 'consort lab down' (--help for options)");
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
        description = "Builds N namespaces csxlab-m0.. on a bridge and records them for 'consort member --lab'.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--members", defaultValue = "3", description = "Namespaces to build (default: ${DEFAULT-VALUE}).")
        int members;

        @Option(names = "--mtu", defaultValue = "1500", description = "MTU of every link (default: ${DEFAULT-VALUE}).")
        int mtu;

        @Override
        public Integer call() throws IOException {
            Lab.requireRoot();
            if (members < 1 || members > 32) {
                throw new IllegalArgumentException("--members must be 1 to 32, was " + members);
            }
            if (mtu < 576 || mtu > 9000) {
                throw new IllegalArgumentException("--mtu must be 576 to 9000, was " + mtu);
            }
            if (LabFile.exists() || Lab.anyNamespace()) {
                throw new IllegalStateException("a lab is up already: 'consort lab down' removes it");
            }
            LabFile lab = Lab.up(members, mtu);
            System.out.println("lab up: " + members + " namespaces on bridge " + LabFile.BRIDGE + " (MTU " + mtu + ")");
            for (int i = 0; i < members; i++) {
                System.out.printf("  member %d: namespace %s, interface %s, %s%n", i, LabFile.namespaceOf(i),
                    lab.interfaceOf(i), lab.members().split(",")[i]);
            }
            System.out.println("run a member in each, for example:\n  ip netns exec " + LabFile.namespaceOf(0)
                + " bin/consort member --lab 0 --transport xdp");
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
        description = "Removes the lab's namespaces (and with them its links and bridge).")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            Lab.requireRoot();
            int removed = Lab.down();
            System.out.println(removed == 0 ? "no lab was up" : "lab down: removed " + removed + " namespaces");
            return 0;
        }
    }
}
