package io.consort.cli.member;

import io.consort.cli.lab.LabFile;
import java.io.IOException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * Where a command-line member runs: its address book and, for AF_XDP, its interface, from {@code --members} and
 * {@code --address} or from the lab ({@code --lab INDEX}); and how its duty thread idles. Shared by
 * {@code member} and {@code perf}.
 */
public record Placement(AddressBook book, String interfaceName) {

    /**
     * Resolves the options; the lab fills in what the command line left out.
     *
     * @param missing what to say when there is no address book at all
     */
    public static Placement of(String members, String address, String seeds, Integer lab, String interfaceName,
                               String missing) throws IOException {
        String book = members;
        String self = address;
        String iface = interfaceName;
        if (lab != null) {
            LabFile labFile = LabFile.read();
            if (lab < 0 || lab >= labFile.size()) {
                throw new IllegalArgumentException("--lab " + lab + " is not a member of the lab (0 to "
                    + (labFile.size() - 1) + ")");
            }
            book = book != null ? book : labFile.members();
            self = self != null ? self : String.valueOf(lab);
            iface = iface != null ? iface : labFile.interfaceOf(lab);
        }
        if (book == null) {
            throw new IllegalArgumentException(missing);
        }
        return new Placement(AddressBook.parse(book, self, seeds), iface);
    }

    /** The idle strategy named by {@code --idle}: backoff (parking up to {@code maxParkNanos}), sleep or spin. */
    public static IdleStrategy idleStrategy(String name, long maxParkNanos) {
        return switch (name) {
            case "backoff" -> new BackoffIdleStrategy(10, 20, 1_000, maxParkNanos);
            case "sleep" -> new SleepingMillisIdleStrategy(1);
            case "spin" -> new BusySpinIdleStrategy();
            default -> throw new IllegalArgumentException("--idle is backoff, sleep or spin, was '" + name + "'");
        };
    }
}
