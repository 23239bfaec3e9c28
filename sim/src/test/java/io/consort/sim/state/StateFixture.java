package io.consort.sim.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.MemberConfig;
import io.consort.sim.group.Sizing;
import io.consort.sim.net.LinkConfig;
import io.consort.sim.net.SimNetwork;
import io.consort.sim.net.SimNetworkConfig;
import org.agrona.concurrent.UnsafeBuffer;

/** Groups of {@link BlobApp}s over the simulator, a writer workload, and the checks the state tests share. */
final class StateFixture {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final int MAXLEN = 1024;
    /** vsync with small windows, both checker layers, and xfer on top. */
    static final String STACK = "xfer:chk_fifo:gmp:chk_sync:frag:flow(casts=32,sends=32):stable(gossip=2ms,every=8)"
        + ":pt2pt(window=32,tick=2ms):mnak(window=32,nak=2ms):slander:suspect";

    final StatefulGroup<BlobApp> group;
    final TransferLedger ledger = new TransferLedger();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAXLEN]);
    private long written;

    StateFixture(long seed, int addresses, LinkConfig link, String stack) {
        SimNetworkConfig network = new SimNetworkConfig(addresses, seed).defaultLink(link);
        MemberConfig config = Sizing.memberConfig(addresses, MAXLEN, 32, network.maxPacketLength())
            .maxGroupSize(addresses);
        group = new StatefulGroup<>(new SimNetwork(network), stack, config, (self, g) -> new BlobApp(self, ledger));
    }

    /** Multicasts a SET of {@code size} bytes from {@code address}; true if it was taken. */
    boolean set(int address, int size, long seed) {
        Member process = group.process(address);
        return process != null && process.multicast(scratch, 0, BlobApp.set(scratch, size, seed)) == SendResult.OK;
    }

    /** {@code address} appends a message of {@code length} bytes every {@code period} from now until {@code until}. */
    void writeEvery(int address, long period, long until, int length) {
        group.scheduleAt(group.now() + period, () -> {
            Member process = group.process(address);
            if (process != null && group.application(address).hasState()) {
                int n = BlobApp.append(scratch, process.endpoint(), written, length);
                if (process.multicast(scratch, 0, n) == SendResult.OK) {
                    written++;
                }
            }
            if (group.now() + period < until) {
                writeEvery(address, period, until, length);
            }
        });
    }

    long written() {
        return written;
    }

    /** Settled, every running process holds the same bytes, the ledger is clean and the pools are whole. */
    void assertSettledAndEqual(String context) {
        assertTrue(group.runUntil(group::settled, 10 * SECOND), () -> context + ": not settled\n" + group.dump());
        group.runFor(200 * MS);
        assertTrue(group.settled(), () -> context + ": not settled\n" + group.dump());
        assertNull(ledger.check(), () -> context + "\n" + group.dump());
        BlobApp first = null;
        for (int address : group.running()) {
            BlobApp app = group.application(address);
            assertTrue(app.hasState(), () -> context + ": " + app.self + " holds no state\n" + group.dump());
            if (first == null) {
                first = app;
            } else {
                BlobApp reference = first;
                assertEquals(reference.digest(), app.digest(), () -> context + ": " + app.self + " holds "
                    + app.length() + " bytes unlike " + reference.self + "'s " + reference.length() + "\n"
                    + group.dump());
            }
            Member process = group.process(address);
            assertEquals(0, process.counters().value("chk_fifo violations"), group::dump);
            assertEquals(0, process.counters().value("chk_sync violations"), group::dump);
        }
        assertPoolsWhole(context);
    }

    void assertPoolsWhole(String context) {
        for (int address : group.running()) {
            Member process = group.process(address);
            assertEquals(0, process.frames().inUse(), () -> context + ": " + process.endpoint() + " holds frames\n"
                + process.frames().leakReport() + group.dump());
            assertEquals(0, process.agent().events().inUse(), () -> context + ": " + process.endpoint()
                + " holds events\n" + process.agent().events().leakReport() + group.dump());
        }
    }

    long counter(int address, String name) {
        return group.process(address).counters().value("xfer " + name);
    }
}
