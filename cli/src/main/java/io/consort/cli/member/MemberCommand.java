package io.consort.cli.member;

import io.consort.cli.status.StatusFile;
import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.InMemoryNetwork;
import io.consort.sim.membership.Journal;
import io.consort.stacks.StackDescription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code consort member}: one member of a group, in this process, until interrupted. Prints views as they
 * change; stdin lines are multicast as chat, and lines starting with {@code /} are commands. SIGINT/SIGTERM leave
 * the group cleanly. Counters go to a status file that {@code consort stat} reads.
 */
@Command(name = "member", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Joins a group as one member and runs until interrupted (Ctrl-C leaves the group cleanly).",
        "Prints each view; stdin lines are multicast as chat. Commands on stdin: /traffic RATE (self-checking "
            + "numbered casts per second, 0 stops), /view, /leave, /quit (stop at once, without leaving).",
        "Options can also come from a properties file (--config): one 'option-name=value' per line."},
    footer = {"", "Examples:",
        "  consort member --transport udp --members 127.0.0.1:7401,127.0.0.1:7402 --address 127.0.0.1:7401",
        "  consort lab up --members 3 && ip netns exec csxlab-m0 bin/consort member --lab 0 --transport xdp",
        "  consort member --transport sim --sim-peers 2      (a group with two simulated peers in this process)"})
public final class MemberCommand implements Callable<Integer> {
    @Option(names = "--transport", defaultValue = "udp-batched", paramLabel = "udp-batched|udp|xdp|sim",
        description = "Kernel UDP batched (sendmmsg/recvmmsg, segmentation offload) with small packets bundled,"
            + " kernel UDP a datagram per system call (pure Java), AF_XDP (root, --interface), or in-memory with"
            + " simulated peers (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--members", paramLabel = "IP:PORT,...",
        description = "Every member's address, in the same order at every member (the group's address book).")
    String members;

    @Option(names = "--address", paramLabel = "IP:PORT|INDEX", description = "This member's address in --members.")
    String address;

    @Option(names = "--seeds", paramLabel = "IP:PORT|INDEX,...",
        description = "Members to contact to find the group (default: all of --members).")
    String seeds;

    @Option(names = "--lab", paramLabel = "INDEX",
        description = "Take --members, --address and --interface from the lab 'consort lab up' built (member INDEX).")
    Integer lab;

    @Mixin
    NetworkOptions network;

    @Option(names = "--name", paramLabel = "NAME",
        description = "This member's name for its status file (default: m<index>).")
    String name;

    @Option(names = "--group", defaultValue = "49374", description = "Group id, the same at every member (default: ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--stack", defaultValue = "vsync",
        description = "Stack: a name (vsync, primary-vsync, ...) or a description like gmp:frag:... (default: ${DEFAULT-VALUE}).")
    String stack;

    @Option(names = "--suspect-after", paramLabel = "MS",
        description = "Suspect a member silent this long, in 10 heartbeat sweeps (default: "
            + ProcessStacks.DEFAULT_SUSPECT_AFTER_MS + " unless --stack sets suspect's parameters).")
    Integer suspectAfterMs;

    @Option(names = "--max-group-size", defaultValue = "8", description = "Largest view (default: ${DEFAULT-VALUE}).")
    int maxGroupSize;

    @Option(names = "--idle", defaultValue = "backoff", paramLabel = "backoff|sleep|spin",
        description = "Idle strategy of the duty thread (default: ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--max-park-us", defaultValue = "1000", paramLabel = "US",
        description = "Longest park of the backoff idle strategy: longer costs less CPU when idle and adds up to "
            + "that much latency to the first packet after a quiet spell (default: ${DEFAULT-VALUE}).")
    long maxParkMicros;

    @Option(names = "--incarnation", paramLabel = "N",
        description = "Incarnation (default: one more than this name's last, kept in the status directory).")
    Integer incarnation;

    @Option(names = "--traffic", defaultValue = "0", paramLabel = "RATE",
        description = "Self-checking numbered casts per second from the start (default: ${DEFAULT-VALUE}).")
    int traffic;

    @Option(names = "--size", defaultValue = "256", description = "Bytes per traffic cast (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--print-deliveries", description = "Print every delivery (not only chat lines).")
    boolean printDeliveries;

    @Option(names = "--journal", paramLabel = "FILE",
        description = "Record views and deliveries for the history checker (chat is off then).")
    Path journalPath;

    @Option(names = "--stat-dir", paramLabel = "DIR",
        description = "Directory of the status file (default: $CONSORT_STAT_DIR or /dev/shm/consort).")
    Path statDir;

    @Option(names = "--sim-peers", defaultValue = "2", description = "Simulated peers for --transport sim (default: ${DEFAULT-VALUE}).")
    int simPeers;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of options (command line wins).")
    Path config;

    /** The largest message a command-line member sends or accepts: chat lines and traffic fit easily. */
    static final int MAX_MESSAGE = 4096;

    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean quitting;

    @Override
    public Integer call() throws Exception {
        Traffic.checkRate(traffic);
        if (maxParkMicros < 1 || maxParkMicros > 1_000_000) {
            throw new IllegalArgumentException("--max-park-us must be 1 to 1000000, was " + maxParkMicros);
        }
        if (maxGroupSize < 2 || maxGroupSize > 64) {
            throw new IllegalArgumentException("--max-group-size must be 2 to 64, was " + maxGroupSize);
        }
        StackDescription description = stackDescription();
        Path dir = statDir != null ? statDir : StatusFile.defaultDir();
        InMemoryNetwork simulated = null;
        AddressBook book;
        if (transport.equals("sim")) {
            if (simPeers < 1 || simPeers >= maxGroupSize) {
                throw new IllegalArgumentException("--sim-peers must be 1 to " + (maxGroupSize - 1) + ", was "
                    + simPeers);
            }
            book = simulatedBook(simPeers + 1);
            simulated = new InMemoryNetwork(simPeers + 1, 4 << 20, 1472);
        } else {
            book = addressBook();
        }
        String memberName = name != null ? name : "m" + book.self();
        int endpointIncarnation = incarnation != null ? incarnation : Incarnations.next(dir, memberName);
        Endpoint self = new Endpoint(book.self(), endpointIncarnation);
        StatusFile status = StatusFile.create(dir, memberName);
        Journal journal = journalPath != null ? Journal.create(self, journalPath) : null;
        MemberConfig memberConfig = MemberConfig.sizedFor(maxGroupSize, MAX_MESSAGE).status(status.buffers())
            .errorHandler(e -> { });
        InMemoryNetwork simulatedNetwork = simulated;
        boolean byMulticast = network.byMulticast(transport, lab != null);
        TransportFactory transportFactory = transport.equals("sim")
            ? (frames, counters) -> simulatedNetwork.transport(0, frames, counters)
            : network.factory(transport, book, lab != null);
        if (transportFactory == null) {
            throw new IllegalArgumentException("--transport is udp-batched, udp, xdp or sim, was '" + transport + "'");
        }
        Deferred deferred = new Deferred();
        Member member = Member.join(group, self, book.seeds(), memberConfig, description::layers, transportFactory,
            deferred, SystemNanoClock.INSTANCE);
        Console console = new Console(book, self, member.counters(), System.out, journal, printDeliveries);
        String casts = byMulticast ? " (casts by IP multicast to " + book.multicastGroup().getHostAddress() + ")" : "";
        console.say("member " + memberName + " is " + console.name(self) + " over " + transport + casts + ", stack "
            + stack + "; status file " + status.path() + (journal != null ? ", journal " + journalPath : ""));
        deferred.attach(console);
        List<Member> peers = simulated == null ? List.of() : SimulatedPeers.start(simulated, group, description,
            book.seeds());
        List<Agent> agents = new ArrayList<>();
        agents.add(member.agent());
        peers.forEach(peer -> agents.add(peer.agent()));
        Agent agent = agents.size() == 1 ? agents.get(0) : new CompositeAgent(agents);
        AgentRunner runner = new AgentRunner(Placement.idleStrategy(idle, TimeUnit.MICROSECONDS.toNanos(maxParkMicros)), this::fail, null, agent);
        Traffic generator = new Traffic(member, size, traffic,
            member.counters().counter("app", "casts offered"), member.counters().counter("app", "casts refused"),
            member.counters().counter("app", "traffic rate"));
        AgentRunner.startOnThread(runner);
        Thread trafficThread = new Thread(generator, "traffic");
        trafficThread.setDaemon(true);
        trafficThread.start();
        Thread input = new Thread(() -> readCommands(member, console, generator), "stdin");
        input.setDaemon(true);
        input.start();
        Thread hook = new Thread(() -> leaveAndClose(member, console, generator, journal, runner, peers, true));
        Runtime.getRuntime().addShutdownHook(hook);
        while (!done.await(200, TimeUnit.MILLISECONDS)) {
            if (console.left || console.excluded || member.hasLeft()) {
                break;
            }
        }
        boolean leave = !quitting;
        leaveAndClose(member, console, generator, journal, runner, peers, leave);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs or ran; it finds everything closed.
        }
        status.close();
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("the duty cycle failed", error);
        }
        return console.excluded ? 3 : 0;
    }

    private StackDescription stackDescription() {
        return ProcessStacks.describe(stack, suspectAfterMs);
    }

    private AddressBook addressBook() throws IOException {
        Placement placement = Placement.of(members, address, seeds, lab, network.interfaceName,
            "--members is required (or --lab INDEX after 'consort lab up', or --transport sim)");
        network.interfaceName = placement.interfaceName();
        return placement.book();
    }


    private static AddressBook simulatedBook(int size) {
        InetSocketAddress[] addresses = new InetSocketAddress[size];
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            addresses[i] = InetSocketAddress.createUnresolved("sim" + i, 1);
            all[i] = i;
        }
        return new AddressBook(addresses, 0, all);
    }

    private void fail(Throwable error) {
        failure.compareAndSet(null, error);
        done.countDown();
    }

    private void readCommands(Member member, Console console, Traffic generator) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = in.readLine()) != null) {
                command(line.strip(), member, console, generator);
            }
        } catch (IOException | RuntimeException e) {
            console.say("stdin: " + e.getMessage());
        }
    }

    private void command(String line, Member member, Console console, Traffic generator) {
        if (line.isEmpty()) {
            return;
        }
        if (line.equals("/quit")) {
            quitting = true;
            done.countDown();
        } else if (line.equals("/leave")) {
            member.leave();
        } else if (line.equals("/view")) {
            console.say("view " + member.view());
        } else if (line.startsWith("/traffic")) {
            try {
                generator.rate(Integer.parseInt(line.substring("/traffic".length()).strip()));
            } catch (NumberFormatException e) {
                console.say("usage: /traffic RATE (casts per second, 0 stops)");
            } catch (IllegalArgumentException e) {
                console.say(e.getMessage());
            }
        } else if (line.startsWith("/")) {
            console.say("commands: /traffic RATE, /view, /leave, /quit; other lines are multicast");
        } else if (journalPath != null) {
            console.say("chat is off while --journal records a checked history");
        } else {
            byte[] message = Console.Chat.encode(line);
            int result = member.multicast(new UnsafeBuffer(message), 0, message.length);
            if (result != SendResult.OK) {
                console.say("not sent (" + SendResult.describe(result) + ")");
            }
        }
    }

    private synchronized void leaveAndClose(Member member, Console console, Traffic generator, Journal journal,
                                            AgentRunner runner, List<Member> peers, boolean leave) {
        if (runner.isClosed()) {
            return;
        }
        generator.stop();
        if (leave && !member.hasLeft() && !console.excluded) {
            member.leave();
            console.awaitLeft(TimeUnit.SECONDS.toNanos(5));
        }
        runner.close();
        member.close();
        peers.forEach(Member::close);
        if (journal != null && console.excluded) {
            journal.close();
        } else if (journal != null) {
            journal.end(generator.offered());
        }
    }
}
