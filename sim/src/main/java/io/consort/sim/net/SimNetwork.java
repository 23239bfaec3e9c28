package io.consort.sim.net;

import io.consort.iovec.FramePool;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.runtime.TransportFactory;
import io.consort.layers.transport.Transport;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A deterministic network for many members in one process: one virtual {@link SimClock}, one seeded random
 * source, a {@link Link} per ordered pair of members, partitions and crashes on a schedule, and a bounded
 * receive queue per member. Given the same config and the same sequence of calls, every run is the same, byte
 * for byte: nothing reads the wall clock, every random draw comes from the one seeded source in call order, and
 * packets arriving at the same instant arrive in the order they were sent.
 *
 * <p>A packet's life: {@link SimTransport#send} copies it into a slot of the network's preallocated slab and
 * schedules its arrival per destination; when virtual time reaches the arrival it moves to the destination's
 * receive queue; {@link SimTransport#poll} copies it into a receive frame of the member's pool and frees the
 * slot. Nothing is allocated on that path.
 *
 * <p>Drops are charged to the sender when they happen on the way out ({@link DropReason#LOSS},
 * {@link DropReason#NETWORK_FULL}, {@link DropReason#LINK_FULL}, {@link DropReason#OVERSIZED}, a partition or
 * a crashed sender when sending) and to the receiver when they happen on arrival (a partition or a crashed
 * receiver by then, {@link DropReason#RX_QUEUE_FULL}, {@link DropReason#RX_POOL_EMPTY}).
 *
 * <p>The driver moves time with {@link #advanceTo(long)} (or the clock directly), and uses
 * {@link #nextDeliveryTime()} and {@link #isIdle()} to jump over idle stretches and to see when the run has
 * quiesced. Single-threaded, like everything driven by the simulator.
 */
public final class SimNetwork implements AutoCloseable {
    /** Source of an injected packet that comes from no member. */
    public static final int UNKNOWN_SOURCE = -1;
    /** What {@link #nextDeliveryTime()} and {@link #nextFaultTime()} return when nothing is pending. */
    public static final long NEVER = Long.MAX_VALUE;

    private final int members;
    private final int maxPacketLength;
    private final SimClock clock;
    private final SplittableRandom random;
    private final Link[] links;
    private final PacketSlab slab;
    private final DeliveryHeap wire;
    private final SlotQueue[] receiveQueues;
    private final SimTransport[] endpoints;
    private final boolean[] crashed;
    private final int[] groupOf;
    private final FaultSchedule faults = new FaultSchedule();
    private final MemberStats stats;
    private NetworkListener listener = NetworkListener.NONE;
    private boolean closed;

    public SimNetwork(SimNetworkConfig config) {
        config.validate();
        this.members = config.members();
        this.maxPacketLength = config.maxPacketLength();
        this.clock = new SimClock(config.startNanos());
        this.random = new SplittableRandom(config.seed());
        this.links = new Link[members * members];
        for (int i = 0; i < links.length; i++) {
            links[i] = new Link();
            links[i].configure(config.defaultLink());
        }
        this.slab = new PacketSlab(config.inFlightCapacity(), maxPacketLength);
        this.wire = new DeliveryHeap(config.inFlightCapacity());
        this.receiveQueues = new SlotQueue[members];
        for (int i = 0; i < members; i++) {
            receiveQueues[i] = new SlotQueue(config.receiveQueueCapacity());
        }
        this.endpoints = new SimTransport[members];
        this.crashed = new boolean[members];
        this.groupOf = new int[members];
        this.stats = new MemberStats(members);
    }

    public SimClock clock() {
        return clock;
    }

    public int size() {
        return members;
    }

    public int maxPacketLength() {
        return maxPacketLength;
    }

    /**
     * The transport of member {@code rank}, over that member's frame pool, registering its counters in
     * {@code counters}. A rank has one open transport at a time.
     */
    public SimTransport transport(int rank, FramePool frames, CounterSet counters) {
        checkRank(rank);
        if (endpoints[rank] != null) {
            throw new IllegalStateException("member " + rank + " already has an open transport; close it first");
        }
        SimTransport transport = new SimTransport(this, rank, frames, counters);
        endpoints[rank] = transport;
        return transport;
    }

    /** Builds member {@code rank}'s transport for a stack, as {@link #transport} does. */
    public TransportFactory transportFactory(int rank) {
        checkRank(rank);
        return (frames, counters) -> transport(rank, frames, counters);
    }

    /** Every event of the network goes to {@code listener} from now on ({@link NetworkListener#NONE} to stop). */
    public void listener(NetworkListener listener) {
        this.listener = listener;
    }

    /** Gives the link from {@code from} to {@code to} these settings; its backlog is kept. */
    public void configureLink(int from, int to, LinkConfig config) {
        checkRank(from);
        checkRank(to);
        links[from * members + to].configure(config);
    }

    /** Gives every link, both ways between every pair, these settings. */
    public void configureAllLinks(LinkConfig config) {
        for (Link link : links) {
            link.configure(config);
        }
    }

    /**
     * From {@code at}, members talk only within their group; a member in no group is alone. Replaces any
     * partition before it. Packets already on the wire across the cut are lost when they arrive.
     */
    public void partitionAt(long at, int[]... groups) {
        int[] sides = new int[members];
        for (int rank = 0; rank < members; rank++) {
            sides[rank] = groups.length + rank;
        }
        boolean[] seen = new boolean[members];
        for (int g = 0; g < groups.length; g++) {
            for (int rank : groups[g]) {
                checkRank(rank);
                if (seen[rank]) {
                    throw new IllegalArgumentException("member " + rank + " is in two groups of a partition");
                }
                seen[rank] = true;
                sides[rank] = g;
            }
        }
        schedule(new FaultSchedule.Event(at, FaultSchedule.Kind.PARTITION, -1, sides));
    }

    /** Partitions the members now; see {@link #partitionAt}. */
    public void partition(int[]... groups) {
        partitionAt(clock.nanoTime(), groups);
    }

    /** From {@code at}, every member can reach every other again. */
    public void healAt(long at) {
        schedule(new FaultSchedule.Event(at, FaultSchedule.Kind.HEAL, -1, null));
    }

    public void heal() {
        healAt(clock.nanoTime());
    }

    /**
     * From {@code at}, member {@code rank} neither sends nor receives: what it sends is dropped, what waits in
     * its receive queue is dropped, and what arrives for it is dropped. The driver should stop running it.
     */
    public void crashAt(long at, int rank) {
        checkRank(rank);
        schedule(new FaultSchedule.Event(at, FaultSchedule.Kind.CRASH, rank, null));
    }

    public void crash(int rank) {
        crashAt(clock.nanoTime(), rank);
    }

    /** From {@code at}, member {@code rank} sends and receives again; its protocol state is the driver's affair. */
    public void recoverAt(long at, int rank) {
        checkRank(rank);
        schedule(new FaultSchedule.Event(at, FaultSchedule.Kind.RECOVER, rank, null));
    }

    public void recover(int rank) {
        recoverAt(clock.nanoTime(), rank);
    }

    private void schedule(FaultSchedule.Event event) {
        checkOpen();
        if (event.at() < clock.nanoTime()) {
            throw new IllegalArgumentException(
                "cannot schedule a fault at " + event.at() + ", before now (" + clock.nanoTime() + ")");
        }
        faults.add(event);
        catchUp();
    }

    public boolean isCrashed(int rank) {
        catchUp();
        return crashed[rank];
    }

    /** True when a packet sent now from {@code from} could reach {@code to}, faults of the links aside. */
    public boolean canReach(int from, int to) {
        catchUp();
        return !crashed[from] && !crashed[to] && groupOf[from] == groupOf[to];
    }

    /**
     * Puts {@code bytes} on the wire to arrive at member {@code destination} at {@code at}, as if sent by
     * {@code source} (or {@link #UNKNOWN_SOURCE}), bypassing the links' faults. For throwing garbage, truncated
     * or forged packets at a member; partitions and crashes still apply when a source is given.
     *
     * @return false when the packet was dropped at once (oversized, or the network is full).
     */
    public boolean inject(int destination, int source, DirectBuffer bytes, int index, int length, long at) {
        checkOpen();
        checkRank(destination);
        if (source != UNKNOWN_SOURCE) {
            checkRank(source);
        }
        long now = clock.nanoTime();
        if (at < now) {
            throw new IllegalArgumentException("cannot inject a packet at " + at + ", before now (" + now + ")");
        }
        if (length > maxPacketLength) {
            drop(destination, source, destination, DropReason.OVERSIZED, length, now);
            return false;
        }
        boolean queued = put(destination, source, destination, bytes, index, length, now, at, false);
        catchUp();
        return queued;
    }

    public boolean inject(int destination, int source, byte[] bytes, long at) {
        return inject(destination, source, new UnsafeBuffer(bytes), 0, bytes.length, at);
    }

    /** Moves time to {@code nanos} and lets every packet due by then arrive in its receive queue. */
    public void advanceTo(long nanos) {
        clock.advanceTo(nanos);
        catchUp();
    }

    /** Arrival time of the earliest packet still on the wire, or {@link #NEVER}. */
    public long nextDeliveryTime() {
        catchUp();
        return wire.isEmpty() ? NEVER : wire.peekTime();
    }

    /** When the next scheduled partition, heal, crash or recovery is due, or {@link #NEVER}. */
    public long nextFaultTime() {
        catchUp();
        return faults.nextTime();
    }

    /** True when no packet is on the wire and none waits in a receive queue. */
    public boolean isIdle() {
        return slab.inUse() == 0;
    }

    /** Packets the network holds, on the wire and in receive queues. */
    public int inFlight() {
        return slab.inUse();
    }

    /** Packets that have arrived for {@code rank} and wait for it to poll. */
    public int queued(int rank) {
        catchUp();
        return receiveQueues[rank].size();
    }

    /** Copies member {@code rank} handed to a link, one per destination, whatever became of them. */
    public long sent(int rank) {
        return stats.sent(rank);
    }

    /** Packets handed to member {@code rank}'s stack. */
    public long received(int rank) {
        return stats.received(rank);
    }

    /** Packets charged to member {@code rank} as lost for {@code reason}. */
    public long dropped(int rank, DropReason reason) {
        return stats.dropped(rank, reason);
    }

    /** Packets lost for {@code reason}, whoever they were charged to. */
    public long dropped(DropReason reason) {
        return stats.dropped(reason);
    }

    /** Closes every open transport and frees the network's memory; nothing may use the network after. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SimTransport endpoint : endpoints) {
            if (endpoint != null) {
                endpoint.close();
            }
        }
        slab.close();
    }

    // ---- the data path, for SimTransport ----

    /** Sends {@code length} bytes at {@code index} of {@code bytes} from {@code source}; see {@link Transport#send}. */
    boolean send(int source, int destination, DirectBuffer bytes, int index, int length) {
        catchUp();
        long now = clock.nanoTime();
        if (length > maxPacketLength || length < 0) {
            drop(source, source, destination, DropReason.OVERSIZED, length, now);
            return false;
        }
        if (crashed[source]) {
            drop(source, source, destination, DropReason.CRASHED, length, now);
            return true;
        }
        if (destination != Transport.ALL) {
            checkRank(destination);
            return transmit(source, destination, bytes, index, length, now);
        }
        boolean all = true;
        for (int member = 0; member < members; member++) {
            if (member != source) {
                all &= transmit(source, member, bytes, index, length, now);
            }
        }
        return all;
    }

    private boolean transmit(int source, int destination, DirectBuffer bytes, int index, int length, long now) {
        Link link = links[source * members + destination];
        if (link.backlogged(now)) {
            drop(source, source, destination, DropReason.LINK_FULL, length, now);
            return false;
        }
        if (groupOf[source] != groupOf[destination]) {
            stats.countSent(source, endpoints[source]);
            drop(source, source, destination, DropReason.PARTITION, length, now);
            return true;
        }
        long departed = link.transmit(now, length);
        if (link.lose(random)) {
            stats.countSent(source, endpoints[source]);
            drop(source, source, destination, DropReason.LOSS, length, now);
            return true;
        }
        if (!put(source, source, destination, bytes, index, length, now, departed + link.delay(random), false)) {
            return false;
        }
        stats.countSent(source, endpoints[source]);
        if (link.duplicate(random)) {
            put(source, source, destination, bytes, index, length, now, departed + link.delay(random), true);
        }
        return true;
    }

    /** Copies a packet into a free slot and puts it on the wire; a full slab is charged to {@code chargedTo}. */
    private boolean put(int chargedTo, int source, int destination, DirectBuffer bytes, int index, int length,
        long now, long arrival, boolean duplicate) {
        int slot = slab.allocate(source, destination, length);
        if (slot == PacketSlab.NONE) {
            drop(chargedTo, source, destination, DropReason.NETWORK_FULL, length, now);
            return false;
        }
        slab.buffer().putBytes(slab.offset(slot), bytes, index, length);
        wire.add(arrival, slot);
        listener.onTransmit(now, source, destination, length, arrival, duplicate);
        return true;
    }

    /** Applies every fault and arrival due by now, in time order, faults first among equals. */
    void catchUp() {
        long now = clock.nanoTime();
        while (true) {
            long faultAt = faults.nextTime();
            long arrival = wire.isEmpty() ? NEVER : wire.peekTime();
            if (faultAt <= now && faultAt <= arrival) {
                apply(faults.take());
            } else if (arrival <= now) {
                arrive(wire.poll(), arrival);
            } else {
                return;
            }
        }
    }

    private void arrive(int slot, long time) {
        int source = slab.source(slot);
        int destination = slab.destination(slot);
        if (crashed[destination]) {
            discard(slot, DropReason.CRASHED, time);
        } else if (source != UNKNOWN_SOURCE && groupOf[source] != groupOf[destination]) {
            discard(slot, DropReason.PARTITION, time);
        } else if (!receiveQueues[destination].offer(slot)) {
            discard(slot, DropReason.RX_QUEUE_FULL, time);
        }
    }

    // An if chain rather than an enum switch: the switch's lookup class is initialised, allocating, the first
    // time a fault fires, which may be long after warm-up.
    private void apply(FaultSchedule.Event event) {
        FaultSchedule.Kind kind = event.kind();
        if (kind == FaultSchedule.Kind.PARTITION) {
            System.arraycopy(event.groupOf(), 0, groupOf, 0, members);
        } else if (kind == FaultSchedule.Kind.HEAL) {
            Arrays.fill(groupOf, 0);
        } else if (kind == FaultSchedule.Kind.CRASH) {
            crashed[event.rank()] = true;
            SlotQueue queue = receiveQueues[event.rank()];
            while (!queue.isEmpty()) {
                discard(queue.poll(), DropReason.CRASHED, event.at());
            }
        } else {
            crashed[event.rank()] = false;
        }
    }

    /** The next packet waiting for {@code rank}, or {@link PacketSlab#NONE}; call {@link #catchUp()} first. */
    int nextReceived(int rank) {
        SlotQueue queue = receiveQueues[rank];
        return queue.isEmpty() ? PacketSlab.NONE : queue.poll();
    }

    /** Copies a received packet to {@code index} of {@code into}, frees its slot, and returns its length. */
    int handOver(int slot, MutableDirectBuffer into, int index) {
        int length = slab.length(slot);
        int destination = slab.destination(slot);
        into.putBytes(index, slab.buffer(), slab.offset(slot), length);
        stats.countReceived(destination);
        listener.onDeliver(clock.nanoTime(), slab.source(slot), destination, into, index, length);
        slab.free(slot);
        return length;
    }

    /** Drops a packet that reached {@code rank}'s side, charging the receiver. */
    void discard(int slot, DropReason reason, long time) {
        int destination = slab.destination(slot);
        drop(destination, slab.source(slot), destination, reason, slab.length(slot), time);
        slab.free(slot);
    }

    private void drop(int chargedTo, int source, int destination, DropReason reason, int length, long time) {
        stats.countDrop(chargedTo, reason, endpoints[chargedTo]);
        listener.onDrop(time, source, destination, reason, length);
    }

    /** The member's transport closed: it is crashed from now on and its rank is free for a new transport. */
    void detach(int rank, SimTransport transport) {
        if (endpoints[rank] == transport) {
            endpoints[rank] = null;
            if (!closed) {
                crash(rank);
            }
        }
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= members) {
            throw new IllegalArgumentException("no member of rank " + rank + " in a network of " + members);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the network is closed");
        }
    }
}
