package io.consort.sim.net;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.FramePoolConfig;
import io.consort.layers.runtime.CounterSet;
import io.consort.layers.transport.PacketHandler;
import io.consort.testsupport.Leaks;
import java.util.ArrayList;
import java.util.List;

/** A network with a frame pool, counters and transport per member, and handlers that record what arrives. */
final class NetFixture implements AutoCloseable {
    /** One packet handed to a member. */
    record Received(long time, int member, byte[] bytes) {
    }

    final SimNetwork network;
    final FramePool[] pools;
    final CounterSet[] counters;
    final SimTransport[] transports;
    final List<Received> received = new ArrayList<>();
    private final PacketHandler[] handlers;

    NetFixture(SimNetworkConfig config) {
        this(config, new FramePoolConfig().frameCount(512));
    }

    NetFixture(SimNetworkConfig config, FramePoolConfig poolConfig) {
        network = new SimNetwork(config);
        int n = config.members();
        pools = new FramePool[n];
        counters = new CounterSet[n];
        transports = new SimTransport[n];
        handlers = new PacketHandler[n];
        for (int rank = 0; rank < n; rank++) {
            pools[rank] = FramePool.allocate(poolConfig);
            counters[rank] = new CounterSet("m" + rank, 64);
            transports[rank] = network.transport(rank, pools[rank], counters[rank]);
            handlers[rank] = recorder(rank);
        }
    }

    private PacketHandler recorder(int rank) {
        return (frame, offset, length) -> {
            byte[] bytes = new byte[length];
            pools[rank].buffer().getBytes(pools[rank].frameOffset(frame) + offset, bytes);
            pools[rank].release(frame);
            received.add(new Received(network.clock().nanoTime(), rank, bytes));
        };
    }

    /** Sends {@code payload} from a send frame of {@code from}'s pool, releasing the frame at once. */
    boolean send(int from, int to, byte[] payload) {
        FramePool pool = pools[from];
        int frame = pool.acquire(Account.SEND);
        if (frame == FramePool.NO_FRAME) {
            throw new AssertionError("member " + from + " has no send frame");
        }
        pool.buffer().putBytes(pool.frameOffset(frame) + pool.headroom(), payload);
        boolean queued = transports[from].send(to, frame, pool.headroom(), payload.length);
        pool.release(frame);
        return queued;
    }

    /** Polls every member that is not crashed, in rank order. */
    int pollAll() {
        int work = 0;
        for (int rank = 0; rank < transports.length; rank++) {
            work += poll(rank);
        }
        return work;
    }

    int poll(int rank) {
        return transports[rank].poll(handlers[rank], Integer.MAX_VALUE);
    }

    /** Polls and jumps time to each next arrival until the network holds nothing. */
    void runUntilIdle() {
        pollAll();
        while (!network.isIdle()) {
            long next = network.nextDeliveryTime();
            if (next != SimNetwork.NEVER) {
                network.advanceTo(next);
            }
            pollAll();
        }
    }

    List<Received> receivedBy(int member) {
        List<Received> mine = new ArrayList<>();
        for (Received r : received) {
            if (r.member() == member) {
                mine.add(r);
            }
        }
        return mine;
    }

    long counter(int member, String name) {
        return counters[member].value("transport " + name);
    }

    static byte[] payload(int id, int length) {
        byte[] bytes = new byte[Math.max(4, length)];
        bytes[0] = (byte) (id >>> 24);
        bytes[1] = (byte) (id >>> 16);
        bytes[2] = (byte) (id >>> 8);
        bytes[3] = (byte) id;
        for (int i = 4; i < bytes.length; i++) {
            bytes[i] = (byte) (id * 31 + i);
        }
        return bytes;
    }

    static int id(byte[] payload) {
        return (payload[0] & 0xff) << 24 | (payload[1] & 0xff) << 16 | (payload[2] & 0xff) << 8 | payload[3] & 0xff;
    }

    @Override
    public void close() throws Exception {
        for (int rank = 0; rank < pools.length; rank++) {
            Leaks.assertNoLeaks("member " + rank, pools[rank]);
        }
        network.close();
        for (FramePool pool : pools) {
            pool.close();
        }
    }
}
