package io.consort.sim.group;

/**
 * The {@code total} stack's steady state allocates nothing per message either: the same run as
 * {@link VsyncZeroAllocationTest}, all three members multicasting, so every cast waits for the sequencer's
 * decision and the sequencer casts one per duty cycle.
 */
class TotalZeroAllocationTest extends VsyncZeroAllocationTest {
    @Override
    String stackName() {
        return "total";
    }
}
