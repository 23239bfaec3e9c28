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
 * stack, sender, length, header bits) and drops, with a counted reason, whatever does not hold.
 */
public final class Bottom extends Layer implements PacketHandler {
    private final Transport transport;
    private int stackFingerprint;
    private int validHeaderBits;
    private int group;
    private AtomicCounter sent;
    private AtomicCounter sendFailed;
    private AtomicCounter received;
    private AtomicCounter flattened;
    private AtomicCounter droppedTruncated;
    private AtomicCounter droppedForeign;
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
        sent = context.counter("sent");
        sendFailed = context.counter("send failed");
        received = context.counter("received");
        flattened = context.counter("flattened");
        droppedTruncated = context.counter("dropped truncated");
        droppedForeign = context.counter("dropped foreign");
        droppedSource = context.counter("dropped bad source");
        droppedHeaderBits = context.counter("dropped unknown headers");
        droppedNoEvent = context.counter("dropped no event");
    }

    @Override
    public void down(Event event) {
        if (!event.isMessage()) {
            ctx.release(event);
            return;
        }
        Iovec payload = event.payload;
        if (payload.extentCount() != 1 && !flatten(payload)) {
            sendFailed.incrementRelease();
            ctx.release(event);
            return;
        }
        int at = payload.push(BottomHeader.LENGTH);
        if (at < 0) {
            throw new IllegalStateException("no headroom left for the bottom header: " + event);
        }
        byte kind = event.type == Event.CAST ? WireIds.KIND_CAST : WireIds.KIND_SEND;
        if (event.unreliable) {
            kind |= WireIds.KIND_UNRELIABLE;
        }
        BottomHeader.write(payload.buffer(), at, kind, ctx.rank(), event.headers, payload.length(), group,
            stackFingerprint);
        if (transport.send(event.peer, payload.frame(0), payload.offset(0), payload.length())) {
            sent.incrementRelease();
        } else {
            sendFailed.incrementRelease();
        }
        ctx.release(event);
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
            || (message != WireIds.KIND_CAST && message != WireIds.KIND_SEND)) {
            droppedForeign.incrementRelease();
            frames.release(frame);
            return;
        }
        int source = BottomHeader.source(buffer, at);
        if (source >= ctx.groupSize() || source == ctx.rank()) {
            droppedSource.incrementRelease();
            frames.release(frame);
            return;
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
        event.payload.appendOwned(frame, offset + BottomHeader.LENGTH, length - BottomHeader.LENGTH);
        event.type = message == WireIds.KIND_CAST ? Event.CAST : Event.SEND;
        event.unreliable = (kind & WireIds.KIND_UNRELIABLE) != 0;
        event.peer = source;
        event.headers = headerBits;
        received.incrementRelease();
        ctx.up(event);
    }

    @Override
    public void up(Event event) {
        throw new IllegalStateException("nothing is below the bottom layer");
    }
}
