package io.consort.layers.proto;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.Iovec;
import io.consort.layers.runtime.Event;
import io.consort.layers.runtime.Layer;
import io.consort.layers.runtime.LayerContext;
import io.consort.layers.transport.PacketHandler;
import io.consort.layers.transport.Transport;
import io.consort.layers.wire.BottomHeader;
import io.consort.layers.wire.WireIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The adapter between the stack and the {@link Transport}. Going down it writes the {@link BottomHeader} and
 * hands the packet to the transport; coming up it checks everything the header claims (magic, version, group,
 * stack, view, sender, length, header bits) and drops, with a counted reason, whatever does not hold.
 *
 * <p>Ranks become transport addresses here: a cast goes to the address of every other member of the view
 * (one {@link Transport#ALL} send when the view is exactly the transport's whole address book), a send to its
 * destination's address. Casts and sends are taken only from the sender's own view; membership messages from
 * anyone of the group, in or out of the view.
 */
public final class Bottom extends Layer implements PacketHandler {
    private final Transport transport;
    private int stackFingerprint;
    private int validHeaderBits;
    private int group;
    private long viewTime;
    private int viewCoordinator;
    private int[] addresses;
    private boolean wholeAddressBook;
    private int selfAddress;
    private int selfIncarnation;
    private AtomicCounter sent;
    private AtomicCounter sendFailed;
    private AtomicCounter received;
    private AtomicCounter flattened;
    private AtomicCounter droppedTruncated;
    private AtomicCounter droppedForeign;
    private AtomicCounter droppedOtherView;
    private AtomicCounter droppedOwn;
    private AtomicCounter droppedSource;
    private AtomicCounter droppedHeaderBits;
    private AtomicCounter droppedNoEvent;

    public Bottom(Transport transport) {
        this.transport = transport;
    }

    @Override
    public String name() {
        return "bottom";
    }

    @Override
    public int maxHeaderLength() {
        return BottomHeader.LENGTH;
    }

    @Override
    public void init(LayerContext context) {
        super.init(context);
        group = context.view().groupId();
        stackFingerprint = context.stackFingerprint();
        validHeaderBits = context.validHeaderBits();
        viewTime = context.view().id().ltime();
        viewCoordinator = context.view().id().coordinatorStamp();
        addresses = new int[context.groupSize()];
        wholeAddressBook = transport.addressCount() == addresses.length;
        for (int rank = 0; rank < addresses.length; rank++) {
            addresses[rank] = context.view().member(rank).address();
            wholeAddressBook &= addresses[rank] == rank;
        }
        selfAddress = context.view().self().address();
        selfIncarnation = context.view().self().incarnation();
        sent = context.counter("sent");
        sendFailed = context.counter("send failed");
        received = context.counter("received");
        flattened = context.counter("flattened");
        droppedTruncated = context.counter("dropped truncated");
        droppedForeign = context.counter("dropped foreign");
        droppedOtherView = context.counter("dropped other view");
        droppedOwn = context.counter("dropped own");
        droppedSource = context.counter("dropped bad source");
        droppedHeaderBits = context.counter("dropped unknown headers");
        droppedNoEvent = context.counter("dropped no event");
    }

    @Override
    public void down(Event event) {
        if (!event.isMessage() && event.type != Event.MEMBERSHIP) {
            ctx.release(event);
            return;
        }
        Iovec payload = event.payload;
        if (payload.extentCount() != 1 && !flatten(payload)) {
            sendFailed.incrementRelease();
            ctx.release(event);
            return;
        }
        byte kind;
        if (event.type == Event.MEMBERSHIP) {
            int at = payload.push(BottomHeader.ENDPOINT_LENGTH);
            payload.buffer().putShort(at, (short) selfAddress, WireIds.ORDER);
            payload.buffer().putInt(at + 2, selfIncarnation, WireIds.ORDER);
            kind = WireIds.KIND_MEMBERSHIP;
        } else {
            kind = event.type == Event.CAST ? WireIds.KIND_CAST : WireIds.KIND_SEND;
        }
        int at = payload.push(BottomHeader.LENGTH);
        if (at < 0) {
            throw new IllegalStateException("no headroom left for the bottom header: " + event);
        }
        if (event.unreliable) {
            kind |= WireIds.KIND_UNRELIABLE;
        }
        BottomHeader.write(payload.buffer(), at, kind, ctx.rank(), event.headers, payload.length(), group,
            stackFingerprint, viewTime, viewCoordinator);
        int frame = payload.frame(0);
        int offset = payload.offset(0);
        int length = payload.length();
        if (event.type == Event.MEMBERSHIP) {
            count(event.peer >= 0 && event.peer < transport.addressCount()
                && transport.send(event.peer, frame, offset, length));
        } else if (event.peer != Transport.ALL) {
            count(transport.send(addresses[event.peer], frame, offset, length));
        } else if (wholeAddressBook) {
            count(transport.send(Transport.ALL, frame, offset, length));
        } else {
            for (int rank = 0; rank < addresses.length; rank++) {
                if (rank != ctx.rank()) {
                    count(transport.send(addresses[rank], frame, offset, length));
                }
            }
        }
        ctx.release(event);
    }

    private void count(boolean sentOk) {
        (sentOk ? sent : sendFailed).incrementRelease();
    }

    /** Copies a multi-extent payload into one fresh frame; false if none is free. */
    private boolean flatten(Iovec payload) {
        FramePool frames = ctx.frames();
        if (payload.length() > frames.payloadCapacity()) {
            throw new IllegalStateException("a " + payload.length() + "-byte packet reached the bottom layer");
        }
        int frame = frames.acquire(Account.SEND);
        if (frame == FramePool.NO_FRAME) {
            return false;
        }
        payload.copyTo(frames.buffer(), frames.frameOffset(frame) + frames.headroom());
        int length = payload.length();
        payload.clear();
        payload.appendOwned(frame, frames.headroom(), length);
        flattened.incrementRelease();
        return true;
    }

    @Override
    public void onPacket(int frame, int offset, int length) {
        FramePool frames = ctx.frames();
        UnsafeBuffer buffer = frames.buffer();
        int at = frames.frameOffset(frame) + offset;
        if (length < BottomHeader.LENGTH || BottomHeader.packetLength(buffer, at) != length) {
            droppedTruncated.incrementRelease();
            frames.release(frame);
            return;
        }
        byte kind = BottomHeader.kind(buffer, at);
        byte message = (byte) (kind & ~WireIds.KIND_UNRELIABLE);
        if (BottomHeader.magic(buffer, at) != WireIds.MAGIC || BottomHeader.version(buffer, at) != WireIds.VERSION
            || BottomHeader.group(buffer, at) != group || BottomHeader.fingerprint(buffer, at) != stackFingerprint
            || (message != WireIds.KIND_CAST && message != WireIds.KIND_SEND && message != WireIds.KIND_MEMBERSHIP)) {
            droppedForeign.incrementRelease();
            frames.release(frame);
            return;
        }
        int bodyAt = at + BottomHeader.LENGTH;
        int source;
        long incarnation = 0;
        if (message == WireIds.KIND_MEMBERSHIP) {
            if (length < BottomHeader.LENGTH + BottomHeader.ENDPOINT_LENGTH) {
                droppedTruncated.incrementRelease();
                frames.release(frame);
                return;
            }
            source = buffer.getShort(bodyAt, WireIds.ORDER) & 0xFFFF;
            incarnation = buffer.getInt(bodyAt + 2, WireIds.ORDER);
            if (source == selfAddress && incarnation == selfIncarnation) {
                droppedOwn.incrementRelease();
                frames.release(frame);
                return;
            }
            bodyAt += BottomHeader.ENDPOINT_LENGTH;
        } else {
            if (BottomHeader.viewTime(buffer, at) != viewTime
                || BottomHeader.viewCoordinator(buffer, at) != viewCoordinator) {
                droppedOtherView.incrementRelease();
                frames.release(frame);
                return;
            }
            source = BottomHeader.source(buffer, at);
            if (source >= ctx.groupSize() || source == ctx.rank()) {
                droppedSource.incrementRelease();
                frames.release(frame);
                return;
            }
        }
        int headerBits = BottomHeader.headerBits(buffer, at);
        if ((headerBits & ~validHeaderBits) != 0 || (headerBits & ctx.headerBit()) != 0) {
            droppedHeaderBits.incrementRelease();
            frames.release(frame);
            return;
        }
        Event event = ctx.acquire();
        if (event == null) {
            droppedNoEvent.incrementRelease();
            frames.release(frame);
            return;
        }
        int bodyOffset = offset + bodyAt - at;
        event.payload.appendOwned(frame, bodyOffset, length - (bodyOffset - offset));
        event.type = message == WireIds.KIND_CAST ? Event.CAST
            : message == WireIds.KIND_SEND ? Event.SEND : Event.MEMBERSHIP;
        event.unreliable = (kind & WireIds.KIND_UNRELIABLE) != 0;
        event.peer = source;
        event.seqno = incarnation;
        event.headers = headerBits;
        received.incrementRelease();
        ctx.up(event);
    }

    @Override
    public void up(Event event) {
        throw new IllegalStateException("nothing is below the bottom layer");
    }
}
