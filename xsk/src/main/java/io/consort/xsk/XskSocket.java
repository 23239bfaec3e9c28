package io.consort.xsk;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.xsk.netns.CurrentNamespace;
import io.consort.xsk.ring.CompletionRing;
import io.consort.xsk.ring.FillRing;
import io.consort.xsk.ring.RingMemory;
import io.consort.xsk.ring.RxRing;
import io.consort.xsk.ring.TxRing;

/**
 * An AF_XDP socket bound to one interface queue, over a {@link Umem}.
 *
 * <p>Two ways to use it. The batch calls {@link #receive} and {@link #send} move frames between the rings
 * and the pool and keep the fill ring topped up; they are what most code wants. The rings themselves
 * ({@link #rx()}, {@link #tx()}, {@link #fill()}, {@link #completion()}) are there for code that manages
 * frames itself; such code must not mix with the batch calls on the same socket.
 *
 * <p>Packets are named by their <em>offset</em>: the index of their first byte in {@code pool().buffer()},
 * which is also their UMEM address; {@code pool().frameOf(offset)} is their frame.
 *
 * <p>Single-threaded: one duty cycle owns the socket and its UMEM. Nothing here allocates after
 * {@link #open}.
 */
public final class XskSocket implements AutoCloseable {
    private static final int POLLIN = 1;
    private static final int IFF_UP = 1;
    private static final long BUSY_RETRY_NANOS = 1_000_000_000L;
    /** A flush kicks at most this often: 64 kicks of 32 frames move a 2048-slot ring. */
    private static final int MAX_KICKS_PER_FLUSH = 64;
    /** The fill ring is topped up when at least this many slots (or a quarter of the ring) are free. */
    private static final int REFILL_BATCH = 32;

    private final Umem umem;
    private final FramePool pool;
    private final XskSocketConfig config;
    private final FrameRings pair;
    private final RxRing rx;
    private final TxRing tx;
    private final int fd;
    private final int ifindex;
    private final int frameMask;
    private final XskCounters counters = new XskCounters();
    private long handle;
    private boolean closed;

    private XskSocket(Umem umem, XskSocketConfig config, long handle, long[] rings, int[] info) {
        this.umem = umem;
        this.pool = umem.pool();
        this.config = config;
        this.handle = handle;
        this.fd = info[0];
        this.ifindex = info[1];
        this.pair = umem.adoptPair(info[2], info[3] != 0, info[4] != 0, rings);
        this.rx = new RxRing(RingMemory.of(rings, 0));
        this.tx = new TxRing(RingMemory.of(rings, XskNative.RING_LONGS));
        this.frameMask = -pool.frameSize();
    }

    /**
     * Creates a socket on {@code umem}, binds it to the configured interface queue in the calling thread's
     * network namespace, and fills the fill ring from the pool's RECEIVE account.
     *
     * @throws XskException with the errno and what to do when the kernel refuses
     * @throws IllegalArgumentException when the interface has no such queue
     */
    public static XskSocket open(Umem umem, XskSocketConfig config) {
        XskLibrary.ensureLoaded();
        String name = config.interfaceName();
        int ifindex = Errno.check(XskNative.interfaceIndex(name), "looking up interface " + name,
            CurrentNamespace.noSuchInterface(name));
        int flags = Errno.check(XskNative.interfaceFlags(name), "reading the flags of " + name);
        if ((flags & IFF_UP) == 0) {
            // The kernel would bind, and nothing would ever arrive.
            throw Errno.failure(Errno.ENETDOWN, "binding an AF_XDP socket to " + name, name + " is down: bring it up"
                + " with " + CurrentNamespace.ip("link set dev " + name + " up"));
        }
        checkQueue(name, config.queue());
        int peerFd = umem.socketOn(ifindex, config.queue());
        long[] rings = new long[4 * XskNative.RING_LONGS];
        int[] info = new int[5];
        // A socket just closed on this queue keeps it busy until the kernel releases its buffer pool, which it
        // does asynchronously (after an RCU grace period, from a work queue): ~10-20 ms here. Wait that out.
        long busyDeadline = System.nanoTime() + BUSY_RETRY_NANOS;
        long handle;
        while ((handle = XskNative.socketCreate(umem.handle(), name, config.queue(), config.rxRingSize(),
                config.txRingSize(), config.bindFlags(), peerFd, rings, info)) == -Errno.EBUSY
            && System.nanoTime() < busyDeadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (handle < 0) {
            throw Errno.failure((int) -handle, "binding an AF_XDP socket to " + name + " queue " + config.queue()
                + " in " + config.bindMode() + " mode", bindHint((int) -handle, config));
        }
        XskSocket socket = new XskSocket(umem, config, handle, rings, info);
        umem.socketOpened(socket);
        socket.refill();
        return socket;
    }

    /**
     * Refuses a queue the interface does not have, saying how to get it: drivers count their queues as rx or as
     * combined channels (ethtool -l), and a socket binds to an active one.
     */
    private static void checkQueue(String name, int queue) {
        int[] channels = new int[6];
        int result = XskNative.channels(name, channels);
        if (result == -Errno.EOPNOTSUPP) {
            if (queue > 0) {
                throw new IllegalArgumentException("interface " + name + " has no queue " + queue + ": its driver has"
                    + " a single queue (no ethtool channels); use queue 0");
            }
            return;
        }
        Errno.check(result, "reading the queue count (ethtool channels) of " + name);
        boolean combined = channels[2] >= channels[0];
        int active = Math.max(1, combined ? channels[2] : channels[0]);
        int maximum = Math.max(active, combined ? channels[5] : channels[3]);
        if (queue < active) {
            return;
        }
        String has = "interface " + name + " has no queue " + queue + ": it has " + active + " active "
            + (combined ? "combined channel" : "rx queue") + (active == 1 ? "" : "s") + "; use queue 0"
            + (active == 1 ? "" : ".." + (active - 1));
        if (queue >= maximum) {
            throw new IllegalArgumentException(has + " (its driver allows at most " + maximum + ")");
        }
        throw new IllegalArgumentException(has + ", or activate more with: "
            + CurrentNamespace.exec("ethtool -L " + name + (combined ? " combined " : " rx ") + (queue + 1)));
    }

    private static String bindHint(int errno, XskSocketConfig config) {
        if (errno == Errno.EOPNOTSUPP && config.bindMode() == BindMode.ZERO_COPY) {
            return "the driver of " + config.interfaceName() + " has no zero-copy AF_XDP support (veth never has): "
                + "use BindMode.COPY or BindMode.AUTO";
        }
        if (errno == Errno.EBUSY) {
            return "queue " + config.queue() + " of " + config.interfaceName()
                + " already has an AF_XDP socket bound with another UMEM (still busy after 1 s); close it or share"
                + " its Umem";
        }
        if (errno == Errno.EINVAL) {
            return "check that ring sizes are powers of two and that the UMEM frames fit the interface MTU";
        }
        if (errno == Errno.ENETDOWN) {
            return config.interfaceName() + " is down: bring it up with "
                + CurrentNamespace.ip("link set dev " + config.interfaceName() + " up");
        }
        return null;
    }

    /**
     * Takes up to {@code max} received packets off the rx ring: their offsets and lengths go into the arrays,
     * and their frames (one reference each, RECEIVE account) now belong to the caller, who releases them to
     * the pool or passes them to {@link #send}. Tops the fill ring up again.
     *
     * @return how many packets were taken; 0 when none were ready
     */
    public int receive(int[] offsets, int[] lengths, int max) {
        checkOpen();
        int n = rx.peek(Math.min(max, Math.min(offsets.length, lengths.length)));
        int index = rx.peekedIndex();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long address = rx.address(index + i);
            umem.returned(address);
            offsets[i] = (int) address;
            lengths[i] = rx.length(index + i);
            bytes += lengths[i];
        }
        if (n > 0) {
            rx.release(n);
            pair.lent -= n;
            counters.rxPackets += n;
            counters.rxBytes += bytes;
        }
        refill();
        if (n == 0 && config.needWakeup() && pair.fill.needsWakeup()) {
            counters.rxWakeups++;
            XskNative.wakeup(fd);
        }
        return n;
    }

    /**
     * Puts up to {@code count} packets on the tx ring and starts transmission. Each packet lies within one
     * frame the caller holds a reference to; that reference passes to the kernel and is released to the pool
     * when the send completes ({@link #reclaim()}, also done here). Packets that did not fit stay the
     * caller's.
     *
     * @return how many packets were accepted, from the start of the arrays
     * @throws IllegalArgumentException when a packet is empty or crosses a frame boundary (checked for all
     *     packets before any is queued)
     */
    public int send(int[] offsets, int[] lengths, int count) {
        int n = enqueue(offsets, lengths, count);
        if (!config.needWakeup() || tx.needsWakeup()) {
            kick();
        }
        return n;
    }

    /**
     * Like {@link #send} but without the kick: the packets wait on the tx ring until {@link #flush()} (or a
     * {@link #kick()}), so a caller that enqueues several batches per duty cycle makes one system call for all.
     */
    public int enqueue(int[] offsets, int[] lengths, int count) {
        return enqueue(offsets, lengths, null, count);
    }

    /**
     * Like {@link #enqueue(int[], int[], int)} with descriptor options: on a socket bound with
     * {@link XskSocketConfig#multiBuffer(boolean)}, a descriptor with {@link TxRing#PACKET_CONTINUES} and the
     * ones after it up to one without make one packet. A packet goes on the ring whole or not at all: the count
     * accepted never ends inside one. Every descriptor's frame gets its own completion and release.
     */
    public int enqueue(int[] offsets, int[] lengths, int[] options, int count) {
        checkOpen();
        reclaim();
        for (int i = 0; i < count; i++) {
            checkPacket(offsets[i], lengths[i]);
        }
        if (options != null && count > 0 && (options[count - 1] & TxRing.PACKET_CONTINUES) != 0) {
            throw new IllegalArgumentException("the last descriptor continues a packet that has no end");
        }
        int n = Math.min(count, tx.size() - tx.outstanding());
        while (options != null && n > 0 && (options[n - 1] & TxRing.PACKET_CONTINUES) != 0) {
            n--; // never half a packet
        }
        n = tx.reserve(n);
        int index = tx.reservedIndex();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            tx.setDescriptor(index + i, offsets[i], lengths[i], options == null ? 0 : options[i]);
            umem.lend(pool.frameOf(offsets[i]), pair);
            bytes += lengths[i];
        }
        if (n > 0) {
            tx.submit(n);
            counters.txPackets += n;
            counters.txBytes += bytes;
        }
        if (n < count) {
            counters.txRingFull++;
        }
        return n;
    }

    private void checkPacket(int offset, int length) {
        if (length <= 0 || offset < 0 || (offset & frameMask) != ((offset + length - 1) & frameMask)
            || offset + length > pool.frameSize() * pool.frameCount()) {
            throw new IllegalArgumentException("packet at offset " + offset + " of length " + length
                + " does not lie within one frame of " + pool.frameSize() + " bytes");
        }
    }

    /** Gives frames the kernel finished sending back to the pool; returns how many. */
    public int reclaim() {
        checkOpen();
        CompletionRing completion = pair.completion;
        int n = completion.peek(completion.size());
        int index = completion.peekedIndex();
        for (int i = 0; i < n; i++) {
            pool.release(umem.returned(completion.address(index + i)));
        }
        if (n > 0) {
            completion.release(n);
            counters.completions += n;
        }
        return n;
    }

    /**
     * Lends the kernel as many frames as the fill ring has room for and the pool's RECEIVE account allows, once
     * a batch of slots is free (or the ring is empty). Returns how many were added. Costs nothing otherwise: the
     * room comes from counting frames lent and received, not from the kernel's index.
     */
    public int refill() {
        checkOpen();
        FillRing fill = pair.fill;
        int wanted = fill.size() - pair.lent;
        // In batches: one ring publication per REFILL_BATCH frames, not one per received frame.
        if (wanted <= 0 || wanted < Math.min(REFILL_BATCH, fill.size() / 4) && pair.lent > 0) {
            return 0;
        }
        int frames = Math.min(wanted,
            Math.min(pool.available(), pool.limit(Account.RECEIVE) - pool.inUse(Account.RECEIVE)));
        if (frames <= 0) {
            counters.fillShortOfFrames++;
            return 0;
        }
        int n = fill.reserve(frames);
        int index = fill.reservedIndex();
        for (int i = 0; i < n; i++) {
            int frame = pool.acquire(Account.RECEIVE);
            fill.setAddress(index + i, pool.frameOffset(frame));
            umem.lend(frame, pair);
        }
        if (n > 0) {
            fill.submit(n);
            pair.lent += n;
        }
        return n;
    }

    /**
     * Asks the kernel to transmit what is on the tx ring. In copy mode the kernel sends at most 32 frames per
     * call and says EAGAIN when more wait; that is counted, not thrown: call again (or {@link #flush()}).
     */
    public void kick() {
        checkOpen();
        counters.kicks++;
        int result = XskNative.kick(fd);
        if (result < 0) {
            int errno = -result;
            if (errno == Errno.EAGAIN || errno == Errno.EBUSY || errno == Errno.ENOBUFS) {
                counters.kickRetries++;
            } else {
                throw Errno.failure(errno, "starting transmission on " + config.interfaceName(), null);
            }
        }
    }

    /** {@link #transmit()}, then {@link #reclaim()}; returns the descriptors left on the tx ring. */
    public int flush() {
        int left = transmit();
        reclaim();
        return left;
    }

    /**
     * Kicks while the kernel has not taken everything from the tx ring and each kick took some (copy mode takes
     * at most 32 frames per kick and says EAGAIN when more wait); returns the descriptors left on the ring. Makes
     * no system call when the ring is empty, or with need_wakeup on when the kernel does not ask for one.
     */
    public int transmit() {
        checkOpen();
        int left = tx.outstanding();
        if (left == 0 || config.needWakeup() && !tx.needsWakeup()) {
            return left;
        }
        for (int attempts = 0; attempts < MAX_KICKS_PER_FLUSH; attempts++) {
            kick();
            int now = tx.outstanding();
            if (now == 0 || now == left) {
                return now; // all taken, or the kernel took nothing this time: the next flush tries again
            }
            left = now;
        }
        return left;
    }

    /** Waits up to {@code timeoutMillis} for packets on the rx ring; true when some are there. */
    public boolean awaitReceive(int timeoutMillis) {
        checkOpen();
        if (rx.available() > 0) {
            return true;
        }
        int result = XskNative.poll(fd, POLLIN, timeoutMillis);
        if (result < 0 && -result != Errno.EINTR) {
            throw Errno.failure(-result, "polling the AF_XDP socket", null);
        }
        return result > 0;
    }

    /** Descriptors on the tx ring the kernel has not taken yet. */
    public int pendingTransmit() {
        checkOpen();
        return tx.outstanding();
    }

    /** Reads the kernel's statistics for this socket into {@code into} and returns it. */
    public XskStatistics statistics(XskStatistics into) {
        checkOpen();
        Errno.check(XskNative.statistics(fd, into.values), "reading XDP_STATISTICS");
        return into;
    }

    /** True when the kernel bound the socket in zero-copy mode. */
    public boolean isZeroCopy() {
        checkOpen();
        return Errno.check(XskNative.zeroCopy(fd), "reading XDP_OPTIONS") == 1;
    }

    public XskCounters counters() {
        return counters;
    }

    public RxRing rx() {
        checkOpen();
        return rx;
    }

    public TxRing tx() {
        checkOpen();
        return tx;
    }

    /** The fill ring this socket shares with every socket of its UMEM on the same interface queue. */
    public FillRing fill() {
        checkOpen();
        return pair.fill;
    }

    public CompletionRing completion() {
        checkOpen();
        return pair.completion;
    }

    public Umem umem() {
        return umem;
    }

    public XskSocketConfig config() {
        return config;
    }

    /** The socket's file descriptor, for the XSKMAP of an XDP program. */
    public int fd() {
        checkOpen();
        return fd;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    public int queue() {
        return config.queue();
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AF_XDP socket on " + config.interfaceName() + " queue "
                + config.queue() + " is closed");
        }
    }

    /**
     * Unbinds and closes the socket and unmaps its rings. When it was the last socket on its queue, the frames
     * lent to that queue's rings come back to the pool now; on the UMEM's first queue, whose socket libxdp
     * keeps bound until the UMEM goes, they come back when the UMEM closes. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        rx.invalidate();
        tx.invalidate();
        umem.socketClosed(this, pair);
        XskNative.socketDelete(umem.handleForClose(), handle);
        handle = 0;
        umem.pairReleased(pair);
    }
}
