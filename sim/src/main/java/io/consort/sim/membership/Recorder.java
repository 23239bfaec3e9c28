package io.consort.sim.membership;

import io.consort.layers.api.MessageHandler;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import org.agrona.DirectBuffer;

/**
 * A process's message handler that writes its {@link History} and checks each message is intact on the spot. A
 * message carries its origin's endpoint and number and a body derived from them: {@link #fill} writes one,
 * {@link #onMessage} recognises it, so a corrupted, misattributed or truncated delivery is caught where it
 * happens.
 *
 * <pre>
 * address(2) incarnation(4) number(8) length(4) body(length - 18) where body[i] = mix(address, incarnation, number, i)
 * </pre>
 */
public final class Recorder implements MessageHandler {
    public static final int HEADER = 18;

    private final History history;
    private final VsyncChecker checker;
    private View view;

    Recorder(History history, VsyncChecker checker) {
        this.history = history;
        this.checker = checker;
    }

    /** Writes message {@code number} of {@code origin}, {@code length} bytes (at least {@link #HEADER}). */
    public static void fill(org.agrona.MutableDirectBuffer buffer, Endpoint origin, long number, int length) {
        buffer.putShort(0, (short) origin.address());
        buffer.putInt(2, origin.incarnation());
        buffer.putLong(6, number);
        buffer.putInt(14, length);
        for (int i = HEADER; i < length; i++) {
            buffer.putByte(i, body(origin, number, i));
        }
    }

    /**
     * What is wrong with a message {@code receiver} delivered from {@code from} in {@code view}: a length that
     * disagrees with its length field, another origin than the one it was delivered as, or a damaged body; null
     * when it is intact. Allocates only when it finds something wrong.
     */
    public static String damage(Endpoint receiver, View view, Endpoint from, DirectBuffer buffer, int offset,
                                int length) {
        if (length < HEADER || buffer.getInt(offset + 14) != length) {
            return receiver + " got a " + length + "-byte message from " + from + " whose length field says "
                + (length >= HEADER ? buffer.getInt(offset + 14) : -1);
        }
        int address = buffer.getShort(offset) & 0xFFFF;
        int incarnation = buffer.getInt(offset + 2);
        long number = buffer.getLong(offset + 6);
        if (!from.is(address, incarnation)) {
            return receiver + " got a message of " + address + "#" + incarnation + " as from " + from + " in "
                + view.id();
        }
        for (int i = HEADER; i < length; i++) {
            if (buffer.getByte(offset + i) != body(from, number, i)) {
                return receiver + " got message " + number + " of " + from + " corrupted at byte " + i;
            }
        }
        return null;
    }

    private static byte body(Endpoint origin, long number, int i) {
        long x = (origin.address() * 31L + origin.incarnation()) * 0x9E3779B97F4A7C15L + number * 1_000_003L + i;
        x ^= x >>> 29;
        return (byte) x;
    }

    @Override
    public void onView(View view) {
        this.view = view;
        History.Installed previous = history.current();
        if (previous != null) {
            previous.ended = true;
        }
        history.views.add(new History.Installed(view));
        history.castsInCurrentView = 0;
    }

    @Override
    public void onLeft() {
        history.left = true;
        History.Installed previous = history.current();
        if (previous != null) {
            previous.ended = true;
        }
    }

    @Override
    public void onMessage(int kind, int origin, DirectBuffer buffer, int offset, int length) {
        Endpoint from = view.member(origin);
        String damage = damage(history.process, view, from, buffer, offset, length);
        if (damage != null) {
            checker.violation(damage);
            return;
        }
        int address = from.address();
        int incarnation = from.incarnation();
        long number = buffer.getLong(offset + 6);
        long[] delivery = {address, incarnation, number};
        if (kind == CAST) {
            history.current().casts.add(delivery);
            history.castsInCurrentView++;
            if (history.process.equals(from)) {
                history.ownCastsDelivered++;
            }
        } else {
            history.current().sends.add(delivery);
        }
    }
}
