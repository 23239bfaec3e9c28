package io.consort.xsk.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The calling thread's network namespace as a person at a shell reaches it, so that a command suggested in an
 * error message runs where the problem is: {@code ip -n csx-12-1-a link set ...} for a thread that entered a
 * named namespace (see {@link NetNamespace#enter()}), plain {@code ip link set ...} in the initial one.
 */
public final class CurrentNamespace {
    private static final Path RUN_NETNS = Path.of("/run/netns");

    private CurrentNamespace() {
    }

    /**
     * The name under /run/netns of the calling thread's network namespace; null when the thread is in the initial
     * namespace (pid 1's) or in one without a name.
     */
    public static String name() {
        Object here = identity(Path.of("/proc/thread-self/ns/net"));
        if (here == null || here.equals(identity(Path.of("/proc/1/ns/net"))) || !Files.isDirectory(RUN_NETNS)) {
            return null;
        }
        try (Stream<Path> entries = Files.list(RUN_NETNS)) {
            return entries.filter(p -> here.equals(identity(p))).map(p -> p.getFileName().toString()).findFirst()
                .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code ip <arguments>} as typed to act on the calling thread's namespace. */
    public static String ip(String arguments) {
        String name = name();
        return name == null ? "ip " + arguments : "ip -n " + name + " " + arguments;
    }

    /** Any other command as typed to run in the calling thread's namespace ({@code ip netns exec}). */
    public static String exec(String command) {
        String name = name();
        return name == null ? command : "ip netns exec " + name + " " + command;
    }

    /** "network namespace NAME", or "this network namespace" when it has no name or is the initial one. */
    public static String describe() {
        String name = name();
        return name == null ? "this network namespace" : "network namespace " + name;
    }

    /**
     * The names of the interfaces in the calling thread's network namespace, in the kernel's order (read from
     * /proc/thread-self/net/dev, which, unlike /proc/net, follows a thread that entered another namespace).
     */
    public static List<String> interfaces() {
        List<String> names = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/thread-self/net/dev"));
            for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    names.add(line.substring(0, colon).trim());
                }
            }
        } catch (IOException e) {
            // No list then; callers say what they can without it.
        }
        return names;
    }

    /** "there is no interface X in network namespace N (its interfaces: lo, ...)". */
    public static String noSuchInterface(String name) {
        return "there is no interface " + name + " in " + describe() + " (its interfaces: "
            + String.join(", ", interfaces()) + ")";
    }

    /** Device and inode of a namespace file (they name the namespace), or null when it cannot be read. */
    private static Object identity(Path path) {
        try {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino");
            return attributes.get("dev") + ":" + attributes.get("ino");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }
}
