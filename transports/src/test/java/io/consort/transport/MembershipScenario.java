package io.consort.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.consort.layers.api.Member;
import io.consort.layers.api.SendResult;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.MemberConfig;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.runtime.View;
import io.consort.sim.membership.History;
import io.consort.sim.membership.Recorder;
import io.consort.sim.membership.VsyncChecker;
import io.consort.stacks.StackDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Membership over a real transport with real threads and a real clock: three members join through their seed
 * addresses and form one view; one is stopped dead (its runner closed without leaving, as a killed process
 * would be) and the others install a view without it and go on; it restarts at the same address as a new
 * incarnation and is admitted again. Each member's application thread multicasts self-checking numbered messages
 * all along, and every history must pass the same {@link VsyncChecker} as the simulator's. The deadlines are
 * generous bounds on liveness, not timings. Used by {@link UdpMembershipTest} and {@link XskMembershipTest}.
 */
class MembershipScenario {
    static final int MEMBERS = 3;
    private static final long LIVENESS_BOUND_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final VsyncChecker checker = new VsyncChecker();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final IntFunction<TransportFactory> transports;
    private final Process[] processes = new Process[MEMBERS];
    private final int[] seeds = {0, 1, 2};

    /** @param transports the transport of the member at each address (0 to 2) */
    MembershipScenario(IntFunction<TransportFactory> transports) {
        this.transports = transports;
    }

    void aStoppedMemberIsExcludedAndItsNextIncarnationRejoins() throws Exception {
        try {
            for (int address = 0; address < MEMBERS; address++) {
                processes[address] = new Process(address, 1);
            }
            awaitOneView(MEMBERS);
            awaitTraffic();
            processes[2].kill();
            awaitOneView(MEMBERS - 1);
            awaitTraffic();
            processes[2] = new Process(2, 2);
            awaitOneView(MEMBERS);
            awaitTraffic();
            for (Process process : processes) {
                process.stopTraffic();
            }
            awaitQuiet();
        } finally {
            for (Process process : processes) {
                if (process != null) {
                    process.stop();
                }
            }
        }
        assertNull(error.get(), () -> "a duty cycle failed: " + error.get());
        assertNull(checker.check(), () -> checker.check() + "\n" + checker.histories());
        List<History> live = new ArrayList<>();
        for (Process process : processes) {
            live.add(process.history);
        }
        assertNull(checker.checkConverged(live), () -> checker.checkConverged(live) + "\n" + checker.histories());
        assertEquals(2, processes[2].history.process.incarnation());
        for (Process process : processes) {
            assertTrue(process.history.castsOffered() > 0);
        }
    }

    private void awaitOneView(int size) {
        await(() -> {
            View first = null;
            for (Process process : processes) {
                if (process == null || process.killed) {
                    continue;
                }
                View view = process.member.view();
                if (first == null) {
                    first = view;
                }
                if (view.size() != size || !view.id().equals(first.id()) || process.member.agent().isBlocked()) {
                    return false;
                }
            }
            return true;
        }, "one view of " + size);
    }

    /** Waits until every running member has delivered 200 more casts in its current view. */
    private void awaitTraffic() {
        long[] from = new long[MEMBERS];
        for (int address = 0; address < MEMBERS; address++) {
            from[address] = processes[address].history.castsInCurrentView();
        }
        await(() -> {
            for (int address = 0; address < MEMBERS; address++) {
                Process process = processes[address];
                if (!process.killed && process.history.castsInCurrentView() < from[address] + 200) {
                    return false;
                }
            }
            return true;
        }, "traffic");
    }

    /**
     * Waits, once traffic has stopped, until every member has delivered each of its own casts and all have
     * delivered as many casts in the (common) current view.
     */
    private void awaitQuiet() {
        await(() -> {
            long inView = processes[0].history.castsInCurrentView();
            for (Process process : processes) {
                History history = process.history;
                if (history.ownCastsDelivered() != history.castsOffered() || history.castsInCurrentView() != inView) {
                    return false;
                }
            }
            return true;
        }, "quiet");
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + LIVENESS_BOUND_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + TimeUnit.NANOSECONDS.toSeconds(
                    LIVENESS_BOUND_NANOS) + " s: " + describe());
            }
            Thread.yield();
        }
    }

    private String describe() {
        StringBuilder out = new StringBuilder();
        for (Process process : processes) {
            if (process != null) {
                out.append('\n').append(process.member.endpoint()).append(' ').append(process.member.view());
            }
        }
        return out.toString();
    }

    /** One member, its duty-cycle thread and its application thread. */
    private final class Process {
        final Member member;
        final History history;
        final AgentRunner runner;
        final Thread application;
        volatile boolean trafficOn = true;
        volatile boolean killed;

        Process(int address, int incarnation) {
            Endpoint self = new Endpoint(address, incarnation);
            History[] recorded = new History[1];
            Recorder recorder = checker.record(self, recorded);
            history = recorded[0];
            member = Member.join(0xC0DE, self, seeds, new MemberConfig().maxGroupSize(MEMBERS).maxMessageLength(3000)
                    .errorHandler(e -> error.compareAndSet(null, e)),
                StackDescription.parse("vsync")::layers,
                transports.apply(address), recorder,
                SystemNanoClock.INSTANCE);
            runner = new AgentRunner(new BackoffIdleStrategy(), e -> error.compareAndSet(null, e), null,
                member.agent());
            AgentRunner.startOnThread(runner);
            application = new Thread(this::multicast, "application-" + self);
            application.start();
        }

        private void multicast() {
            UnsafeBuffer scratch = new UnsafeBuffer(new byte[3000]);
            long k = 0;
            while (trafficOn) {
                int length = Recorder.HEADER + (int) (k * 7919 % (3000 - Recorder.HEADER));
                Recorder.fill(scratch, history.process, k, length);
                int result = member.multicast(scratch, 0, length);
                if (result == SendResult.OK) {
                    history.countOffered();
                    k++;
                }
                try {
                    Thread.sleep(result == SendResult.OK ? 1 : 5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopTraffic() throws InterruptedException {
            trafficOn = false;
            application.join();
        }

        /** Stops the member dead: no leave, its socket closed, as if the process were killed. */
        void kill() throws InterruptedException {
            history.markCrashed();
            stop();
        }

        /** Stops the threads and closes the member (at the end of the test). */
        void stop() throws InterruptedException {
            if (killed) {
                return;
            }
            killed = true;
            trafficOn = false;
            application.interrupt();
            application.join();
            runner.close();
        }
    }
}
