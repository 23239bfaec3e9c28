package io.consort.xsk;

import io.consort.iovec.FramePool;
import io.consort.iovec.MemoryRegion;
import io.consort.xsk.ring.RingMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A region of memory registered with the kernel for AF_XDP, carved into the frames of an iovec
 * {@link FramePool}: frame {@code i} is UMEM address {@code pool.frameOffset(i)}, so protocol layers see
 * received packets as ordinary pooled frames.
 *
 * <p>Frames the kernel holds (on a fill ring, or sent and not yet completed) are tracked here, with the queue
 * they went to. They go back to the pool when the last socket of their queue closes (on the UMEM's first
 * queue, whose socket libxdp keeps bound, when the UMEM closes), so that {@code pool.inUse() == 0} after every
 * socket and the UMEM are closed and the application released its own frames.
 *
 * <p>Single-threaded, like the pool: one duty cycle owns a UMEM and all its sockets.
 */
public final class Umem implements AutoCloseable {
    private static final int MIXED_PAIRS = -1;
    private static final int MAX_PAIRS = 64;

    private final FramePool pool;
    private final boolean ownsPool;
    private final UmemConfig config;
    private final int[] kernelRefs;
    /**
     * The pair a lent frame went to ({@link FrameRings#id}, never reused, unlike the native slot), or
     * {@link #MIXED_PAIRS} when lent to several at once.
     */
    private final int[] lentTo;
    private int nextPairId;
    private final FrameRings[] pairs = new FrameRings[MAX_PAIRS];
    private final List<XskSocket> sockets = new ArrayList<>();
    private long handle;
    private boolean closed;

    private Umem(FramePool pool, boolean ownsPool, UmemConfig config, long handle) {
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.config = config;
        this.kernelRefs = new int[pool.frameCount()];
        this.lentTo = new int[pool.frameCount()];
        this.handle = handle;
    }

    /** A UMEM over new memory (mmapped, huge pages if configured) and a pool over it, both owned here. */
    public static Umem allocate(UmemConfig config) {
        XskLibrary.ensureLoaded();
        config.framePool().validate();
        config.validate(config.framePool().frameSize());
        long length = config.framePool().regionLength();
        long mapLength = config.hugePages() ? (length + (1 << 21) - 1) & -(1L << 21) : length;
        long address = XskNative.mapMemory(mapLength, config.hugePages());
        if (address < 0) {
            throw Errno.failure((int) -address, "mmap of " + mapLength + " bytes for the UMEM",
                config.hugePages() ? hugePagesHint(mapLength >> 21) : null);
        }
        MemoryRegion region = MemoryRegion.wrap(address, (int) length,
            () -> Errno.check(XskNative.unmapMemory(address, mapLength), "munmap of the UMEM"));
        FramePool pool = new FramePool(region, config.framePool());
        try {
            return register(pool, true, config);
        } catch (RuntimeException e) {
            closeQuietly(pool, e);
            throw e;
        }
    }

    /** How to reserve {@code pages} more huge pages (the count is global, not per namespace). */
    private static String hugePagesHint(long pages) {
        long reserved;
        try {
            reserved = Long.parseLong(Files.readString(Path.of("/proc/sys/vm/nr_hugepages")).trim());
        } catch (IOException | RuntimeException e) {
            return "it needs " + pages + " free 2 MiB huge pages: raise /proc/sys/vm/nr_hugepages by " + pages;
        }
        return "it needs " + pages + " free 2 MiB huge pages (HugePages_Free in /proc/meminfo): reserve them with"
            + " echo " + (reserved + pages) + " > /proc/sys/vm/nr_hugepages";
    }

    /**
     * A UMEM over an existing pool's region (page-aligned, as iovec regions are). The pool stays the
     * caller's and must outlive the UMEM; the frame shape in {@code config.framePool()} is ignored.
     */
    public static Umem over(FramePool pool, UmemConfig config) {
        XskLibrary.ensureLoaded();
        config.validate(pool.frameSize());
        return register(pool, false, config);
    }

    private static Umem register(FramePool pool, boolean ownsPool, UmemConfig config) {
        long[] rings = new long[2 * XskNative.RING_LONGS];
        long length = (long) pool.frameSize() * pool.frameCount();
        long handle = XskNative.umemCreate(pool.region().address(), length, pool.frameSize(),
            config.kernelHeadroom(), config.fillRingSize(), config.completionRingSize(), rings);
        if (handle < 0) {
            throw Errno.failure((int) -handle, "registering a UMEM of " + length + " bytes", null);
        }
        return new Umem(pool, ownsPool, config, handle);
    }

    public FramePool pool() {
        return pool;
    }

    public UmemConfig config() {
        return config;
    }

    /** Frames currently held by the kernel (on fill rings or in flight on tx). */
    public int framesInKernel() {
        int n = 0;
        for (int refs : kernelRefs) {
            n += refs;
        }
        return n;
    }

    /**
     * References the kernel holds to {@code frame}: one per fill-ring slot or sent descriptor not yet completed.
     * For a frame the application holds (so not on a fill ring) this is how many of its sends are still in flight.
     */
    public int kernelReferences(int frame) {
        return kernelRefs[frame];
    }

    long handle() {
        checkOpen();
        return handle;
    }

    /** The handle while sockets close, before {@link #close()} marks the UMEM closed. */
    long handleForClose() {
        return handle;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("UMEM is closed");
        }
    }

    /**
     * The fill/completion pair of a socket just bound: a new one when the bind created it (first socket on
     * that interface and queue), otherwise the one its earlier sockets use.
     */
    FrameRings adoptPair(int slot, boolean created, boolean own, long[] rings) {
        if (created) {
            pairs[slot] = new FrameRings(nextPairId++, own, RingMemory.of(rings, 2 * XskNative.RING_LONGS),
                RingMemory.of(rings, 3 * XskNative.RING_LONGS));
        }
        FrameRings pair = pairs[slot];
        pair.users++;
        return pair;
    }

    void socketOpened(XskSocket socket) {
        sockets.add(socket);
    }

    /**
     * The descriptor of an open socket of this UMEM bound to {@code (ifindex, queue)}, or -1: a further socket
     * there shares that queue's fill/completion pair by binding against it.
     */
    int socketOn(int ifindex, int queue) {
        for (XskSocket socket : sockets) {
            if (socket.interfaceIndex() == ifindex && socket.queue() == queue) {
                return socket.fd();
            }
        }
        return -1;
    }

    void socketClosed(XskSocket socket, FrameRings pair) {
        sockets.remove(socket);
        if (--pair.users == 0) {
            // The pair's mappings go with its last socket; its frames come back in pairReleased or at close.
            pair.invalidate();
        }
    }

    /** The kernel now holds one more reference to {@code frame}, on {@code pair}'s rings. */
    void lend(int frame, FrameRings pair) {
        lentTo[frame] = kernelRefs[frame]++ == 0 || lentTo[frame] == pair.id ? pair.id : MIXED_PAIRS;
    }

    /**
     * After the last socket of {@code pair} closed: when Consort bound it, the kernel has unbound it and will
     * not touch its frames again, so every frame lent only to it (fill ring, unread rx, tx not completed) goes
     * back to the pool. Without this a UMEM whose queues are reopened would lose a fill ring of frames each time.
     */
    void pairReleased(FrameRings pair) {
        if (pair.users > 0 || !pair.own) {
            return;
        }
        for (int frame = 0; frame < kernelRefs.length; frame++) {
            if (lentTo[frame] == pair.id) {
                giveBack(frame);
            }
        }
    }

    /** Releases to the pool every reference the kernel held to {@code frame}; it holds none afterwards. */
    private void giveBack(int frame) {
        while (kernelRefs[frame] > 0) {
            kernelRefs[frame]--;
            pool.release(frame);
        }
    }

    /** The kernel gave back the frame containing UMEM address {@code address}; returns the frame. */
    int returned(long address) {
        int frame = pool.frameOf(address);
        kernelRefs[frame]--;
        return frame;
    }

    /**
     * Closes every socket still open on this UMEM, unregisters it, gives every frame the kernel held back to
     * the pool and, when the pool was allocated here, unmaps the memory. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        RuntimeException failure = null;
        while (!sockets.isEmpty()) {
            try {
                sockets.get(sockets.size() - 1).close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        for (FrameRings pair : pairs) {
            if (pair != null) {
                pair.invalidate();
            }
        }
        closed = true;
        int result = XskNative.umemDelete(handle);
        handle = 0;
        for (int frame = 0; frame < kernelRefs.length; frame++) {
            giveBack(frame);
        }
        if (ownsPool) {
            try {
                pool.close();
            } catch (Exception e) {
                failure = failure != null ? failure : new XskException("closing the UMEM memory: " + e, 0);
            }
        }
        if (result < 0 && failure == null) {
            failure = Errno.failure(-result, "unregistering the UMEM", null);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(FramePool pool, RuntimeException cause) {
        try {
            pool.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
