package io.consort.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.cli.demo.GroupWatch;
import io.consort.cli.demo.MemberLauncher;
import io.consort.layers.wire.BottomHeader;
import io.consort.layers.wire.WireIds;
import io.consort.sim.membership.History;
import io.consort.sim.membership.Journal;
import io.consort.sim.membership.VsyncChecker;
import io.consort.transport.BridgedMembers;
import io.consort.transport.VethNetwork;
import io.consort.xsk.netns.NetNamespace;
import io.consort.xsk.netns.TestNetwork;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults on real processes: three {@code consort member} processes in namespaces on a bridge, over kernel
 * UDP and over AF_XDP, multicasting self-checking numbered messages all along. Loss, duplication, delay
 * and reordering on every bridge port (nftables and an HTB qdisc: this kernel has no netem); {@code kill -9} of a member and its restart under the same
 * name (a new incarnation); {@code SIGSTOP} past the suspicion timeout and {@code SIGCONT} (the member learns it
 * was excluded, exits, and comes back as a new incarnation); garbage and forged datagrams from a namespace that is
 * not a member. Every process journals what it installed and delivered, and the journals must pass the same
 * checker as the simulator's properties; after the faults stop, the members converge with nothing lost. The
 * deadlines are generous liveness bounds, not timings.
 */
class ProcessFaultsTest {
    private static final int MEMBERS = 3;
    private static final int PORT = 7400;
    private static final int RATE = 200;
    private static final long BOUND_SECONDS = 60;
    private static final int GROUP = 49374;
    /** 3 % of packets lost and 2 % duplicated on every port toward a member (delay and reordering come with). */
    private static final String LOSS_AND_DUPLICATION =
        "    numgen random mod 1000 < 30 drop\n    numgen random mod 1000 < 20 dup to \"PORT\"";

    @TempDir
    Path dir;

    /** The default transport, batched and bundled, with casts by IP multicast across the bridge. */
    @Test
    void overKernelUdp() throws Exception {
        run("10.77.41", List.of("--transport", "udp-batched", "--multicast"));
    }

    @Test
    void overAfXdp() throws Exception {
        run("10.77.42", List.of("--transport", "xdp", "--interface", "IFACE"));
    }

    private void run(String subnet, List<String> transport) throws Exception {
        VethNetwork.assumeUsable();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestNetwork net = TestNetwork.create()) {
            BridgedMembers group = new BridgedMembers(net, subnet, MEMBERS, PORT);
            NetNamespace intruder = net.namespace("x");
            net.bridgePort(group.host, BridgedMembers.BRIDGE, "csxpx", intruder, "csxx0", subnet + ".200/24");
            StringJoiner book = new StringJoiner(",");
            for (InetSocketAddress address : group.addresses) {
                book.add(address.getAddress().getHostAddress() + ":" + address.getPort());
            }
            new Scenario(group, intruder, book.toString(), transport).run();
        }
    }

    private final class Scenario {
        final BridgedMembers group;
        final NetNamespace intruder;
        final String book;
        final List<String> transport;
        final List<MemberLauncher> members = new ArrayList<>();
        final List<MemberLauncher> all = new ArrayList<>();
        final GroupWatch watch = new GroupWatch(members, BOUND_SECONDS, () -> { });
        int runs;

        Scenario(BridgedMembers group, NetNamespace intruder, String book, List<String> transport) {
            this.group = group;
            this.intruder = intruder;
            this.book = book;
            this.transport = transport;
        }

        void run() throws Exception {
            try {
                for (int i = 0; i < MEMBERS; i++) {
                    members.add(null);
                    start(i);
                }
                watch.awaitOneView(MEMBERS);
                watch.awaitTraffic(100, 300);

                garbageAndForgeries();
                watch.awaitTraffic(100, 300);

                impairPorts(LOSS_AND_DUPLICATION);
                watch.awaitTraffic(100, 300);

                members.get(2).kill();
                watch.awaitOneView(MEMBERS - 1);
                watch.awaitTraffic(100, 300);
                start(2);
                watch.awaitOneView(MEMBERS);
                watch.awaitTraffic(100, 300);

                members.get(1).signal("STOP");
                watch.awaitOneView(MEMBERS - 1, members.get(0), members.get(2));
                members.get(1).signal("CONT");
                assertEquals(3, members.get(1).awaitExit(BOUND_SECONDS), "an excluded member exits with status 3");
                start(1);
                watch.awaitOneView(MEMBERS);
                watch.awaitTraffic(100, 300);

                impairPorts(null);
                for (MemberLauncher member : members) {
                    member.command("/traffic 0");
                }
                watch.awaitQuiet();
                for (MemberLauncher member : members) {
                    member.command("/quit");
                }
                for (MemberLauncher member : members) {
                    assertEquals(0, member.awaitExit(BOUND_SECONDS), member.output());
                    assertEquals(transport.contains("--multicast"), member.output().contains(
                        "casts by IP multicast to 239.77."), member.output());
                }
            } finally {
                for (MemberLauncher member : all) {
                    member.destroy();
                }
            }
            judge();
        }

        private void start(int index) throws Exception {
            List<String> args = new ArrayList<>(List.of("--traffic", Integer.toString(RATE), "--size", "300"));
            for (String arg : transport) {
                args.add(arg.equals("IFACE") ? BridgedMembers.interfaceOf(index) : arg);
            }
            MemberLauncher member = MemberLauncher.start(group.spaces[index].name(), dir, index, book, args, ++runs,
                line -> { });
            members.set(index, member);
            all.add(member);
        }

        private void judge() throws Exception {
            VsyncChecker checker = new VsyncChecker();
            List<History> live = new ArrayList<>();
            for (MemberLauncher member : all) {
                History history = Journal.read(member.journal(), checker);
                if (!history.crashed()) {
                    live.add(history);
                }
            }
            String violation = checker.check();
            assertNull(violation, () -> violation + "\n" + checker.histories());
            assertEquals(MEMBERS, live.size(), () -> "the killed and the excluded processes count as crashed, the "
                + "others ended cleanly: " + checker.histories());
            String converged = checker.checkConverged(live);
            assertNull(converged, () -> converged + "\n" + checker.histories());
            for (History history : live) {
                assertTrue(history.castsOffered() >= 100, () -> history + " offered too little to prove anything");
            }
        }

        /** Random bytes, and packets with a Consort header for the group, sent to every member from outside it. */
        private void garbageAndForgeries() throws Exception {
            long[] before = new long[MEMBERS];
            for (int i = 0; i < MEMBERS; i++) {
                before[i] = members.get(i).counter("dropped not-member");
            }
            int perMember = 50;
            intruder.call(() -> {
                SplittableRandom random = new SplittableRandom(7);
                try (DatagramChannel channel = DatagramChannel.open()) {
                    for (int i = 0; i < MEMBERS; i++) {
                        for (int k = 0; k < perMember; k++) {
                            byte[] bytes = new byte[1 + random.nextInt(1400)];
                            random.nextBytes(bytes);
                            if (k % 2 == 1 && bytes.length >= BottomHeader.LENGTH) {
                                BottomHeader.write(new UnsafeBuffer(bytes), 0, WireIds.KIND_MEMBERSHIP, 0, 0,
                                    bytes.length, GROUP, random.nextInt(), random.nextInt(8), random.nextInt());
                            }
                            channel.send(ByteBuffer.wrap(bytes), group.addresses[i]);
                        }
                    }
                }
                return null;
            });
            watch.await(() -> {
                for (int i = 0; i < MEMBERS; i++) {
                    if (members.get(i).counter("dropped not-member") - before[i] < perMember) {
                        return false;
                    }
                }
                return true;
            }, "every datagram from outside the group counted and dropped");
        }

        /**
         * Faults on the way from the bridge to every member. This kernel is built without {@code sch_netem}, so
         * they are made from what it has: nftables drops and duplicates packets at random on each port's egress,
         * and an HTB qdisc sends about one packet in 16 (chosen by the low bits of its UDP checksum, which differ
         * from packet to packet) through a class limited to 200 kbit/s, which delays it by up to about 100 ms
         * behind the others: delay and reordering. Null removes all of it.
         */
        private void impairPorts(String faults) {
            if (faults == null) {
                group.host.exec("nft", "delete", "table", "netdev", "consort_faults");
                for (int i = 0; i < MEMBERS; i++) {
                    String port = BridgedMembers.portOf(i);
                    String slow = group.host.exec("tc", "-s", "class", "show", "dev", port, "classid", "1:20");
                    java.util.regex.Matcher sent = java.util.regex.Pattern.compile("Sent \\d+ bytes (\\d+) pkt")
                        .matcher(slow);
                    assertTrue(sent.find() && Long.parseLong(sent.group(1)) > 0,
                        () -> "packets to member " + port + " went through the slow class: " + slow);
                    group.host.exec("tc", "qdisc", "del", "dev", port, "root");
                }
                return;
            }
            StringBuilder rules = new StringBuilder("table netdev consort_faults {\n");
            for (int i = 0; i < MEMBERS; i++) {
                String port = BridgedMembers.portOf(i);
                rules.append("  chain ").append(port).append(" {\n    type filter hook egress device \"").append(port)
                    .append("\" priority 0;\n").append(faults.replace("PORT", port)).append("\n  }\n");
                group.host.exec("tc", "qdisc", "add", "dev", port, "root", "handle", "1:", "htb", "default", "10",
                    "r2q", "100000");
                group.host.exec("tc", "class", "add", "dev", port, "parent", "1:", "classid", "1:10", "htb", "rate",
                    "10gbit");
                group.host.exec("tc", "class", "add", "dev", port, "parent", "1:", "classid", "1:20", "htb", "rate",
                    "200kbit", "ceil", "200kbit", "burst", "1600b", "cburst", "1600b");
                // At most 8 packets wait in the slow class (about 100 ms); more are dropped, as netem's limit would.
                group.host.exec("tc", "qdisc", "add", "dev", port, "parent", "1:20", "handle", "20:", "pfifo",
                    "limit", "8");
                group.host.exec("tc", "filter", "add", "dev", port, "parent", "1:", "protocol", "ip", "prio", "1",
                    "u32", "match", "u16", "0x0000", "0x000f", "at", "26", "flowid", "1:20");
            }
            group.host.execWithInput(rules.append("}\n").toString(), "nft", "-f", "-");
        }
    }
}
