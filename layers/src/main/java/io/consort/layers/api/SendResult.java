package io.consort.layers.api;

/** What {@link Member#multicast} and {@link Member#send} return. Negative values mean nothing was queued. */
public final class SendResult {
    /** Queued for sending. */
    public static final int OK = 1;
    /** The member is busy: its application ring or frames are full. Try again later. */
    public static final int BACK_PRESSURED = -1;
    /** Longer than the member's maximum message length. */
    public static final int TOO_LARGE = -2;
    /** No member of that rank in the view. */
    public static final int NO_SUCH_MEMBER = -3;
    /** The member has been closed. */
    public static final int CLOSED = -4;
    /** The member has asked to leave the group: it takes no more messages. */
    public static final int LEAVING = -5;

    private SendResult() {
    }

    public static String describe(int result) {
        switch (result) {
            case OK: return "OK";
            case BACK_PRESSURED: return "BACK_PRESSURED";
            case TOO_LARGE: return "TOO_LARGE";
            case NO_SUCH_MEMBER: return "NO_SUCH_MEMBER";
            case CLOSED: return "CLOSED";
            case LEAVING: return "LEAVING";
            default: return "result " + result;
        }
    }
}
