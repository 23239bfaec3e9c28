package io.consort.cli.lab;

import io.consort.xsk.netns.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Builds and removes the lab's namespaces with {@code ip}; everything is named {@code csxlab-*} / {@code csxl*}. */
public final class Lab {
    public static final String SUBNET = "10.77.9";

    private Lab() {
    }

    static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("network namespaces need root: run with sudo");
        }
    }

    /** Builds a lab of {@code members} namespaces on one bridge and records it. */
    public static LabFile up(int members, int mtu) throws IOException {
        StringBuilder addresses = new StringBuilder();
        LabFile lab;
        try {
            addNamespace(LabFile.BRIDGE_NAMESPACE);
            ip(LabFile.BRIDGE_NAMESPACE, "link", "add", LabFile.BRIDGE, "type", "bridge", "mcast_snooping", "0");
            ip(LabFile.BRIDGE_NAMESPACE, "link", "set", LabFile.BRIDGE, "mtu", Integer.toString(mtu), "up");
            for (int i = 0; i < members; i++) {
                String space = LabFile.namespaceOf(i);
                String port = LabFile.bridgePortOf(i);
                String member = "csxl" + i;
                addNamespace(space);
                Command.run(List.of("ip", "link", "add", port, "netns", LabFile.BRIDGE_NAMESPACE, "mtu",
                    Integer.toString(mtu), "type", "veth", "peer", "name", member, "netns", space, "mtu",
                    Integer.toString(mtu)));
                ip(LabFile.BRIDGE_NAMESPACE, "link", "set", port, "master", LabFile.BRIDGE, "up");
                ip(space, "addr", "add", LabFile.ipOf(SUBNET, i) + "/24", "dev", member);
                ip(space, "link", "set", member, "up");
                // Frames AF_XDP sends into a veth reach the stack on the other end only with GRO (or XDP) there.
                exec(LabFile.BRIDGE_NAMESPACE, "ethtool", "-K", port, "gro", "on");
                exec(space, "ethtool", "-K", member, "gro", "on");
                addresses.append(i == 0 ? "" : ",").append(LabFile.ipOf(SUBNET, i)).append(':').append(LabFile.PORT);
            }
            lab = new LabFile(members, addresses.toString(), mtu);
            lab.write();
        } catch (RuntimeException | IOException e) {
            down();
            throw e;
        }
        return lab;
    }

    /** Removes every lab namespace and the lab file; returns how many namespaces there were. */
    public static int down() throws IOException {
        List<String> spaces = namespaces();
        for (String space : spaces) {
            Command.runQuietly(List.of("ip", "netns", "del", space));
        }
        Files.deleteIfExists(LabFile.path());
        return spaces.size();
    }

    /**
     * Cuts member {@code member} off the bridge (everything to and from it dropped, with nftables in the bridge's
     * namespace), or joins it again.
     */
    public static void isolate(int member, boolean cut) {
        String port = LabFile.bridgePortOf(member);
        String table = "consort_cut_" + member;
        if (cut) {
            String rules = "table netdev " + table + " {\n"
                + "  chain in { type filter hook ingress device \"" + port + "\" priority 0; drop; }\n"
                + "  chain out { type filter hook egress device \"" + port + "\" priority 0; drop; }\n}\n";
            Command.run(List.of("ip", "netns", "exec", LabFile.BRIDGE_NAMESPACE, "nft", "-f", "-"), rules);
        } else {
            Command.run(List.of("ip", "netns", "exec", LabFile.BRIDGE_NAMESPACE, "nft", "delete", "table", "netdev",
                table));
        }
    }

    static boolean anyNamespace() throws IOException {
        return !namespaces().isEmpty();
    }

    private static List<String> namespaces() throws IOException {
        List<String> found = new ArrayList<>();
        Path dir = Path.of("/run/netns");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(LabFile.NAMESPACE_PREFIX))
                    .sorted().forEach(found::add);
            }
        }
        return found;
    }

    private static void addNamespace(String name) {
        Command.run(List.of("ip", "netns", "add", name));
        ip(name, "link", "set", "lo", "up");
    }

    private static void ip(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        Command.run(command);
    }

    private static void exec(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(List.of(args));
        Command.run(command);
    }
}
