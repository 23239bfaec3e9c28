package io.consort.xsk;

/**
 * Turns a failed system call's errno into an {@link XskException} whose message says what was attempted, the
 * error text, and what to do about it.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOBUFS = 105;
    public static final int EOPNOTSUPP = 95;
    public static final int ENETDOWN = 100;

    private Errno() {
    }

    /** Throws when {@code result} is a negative errno; returns it otherwise. */
    public static int check(int result, String what) {
        if (result < 0) {
            throw failure(-result, what, null);
        }
        return result;
    }

    /** As {@link #check(int, String)}, with a hint that fits the call better than the generic one. */
    public static int check(int result, String what, String hint) {
        if (result < 0) {
            throw failure(-result, what, hint);
        }
        return result;
    }

    public static XskException failure(int errno, String what, String hint) {
        String text = XskLibrary.isAvailable() ? XskNative.strerror(errno) : "errno " + errno;
        String advice = hint != null ? hint : genericHint(errno);
        return new XskException(what + ": " + text + " (errno " + errno + ")"
            + (advice == null ? "" : "; " + advice), errno);
    }

    static String genericHint(int errno) {
        switch (errno) {
            case EPERM:
            case EACCES:
                return "not root: AF_XDP and XDP need CAP_NET_ADMIN, CAP_NET_RAW and CAP_BPF (run as root)";
            case ENODEV:
                return "no interface of that name in this network namespace (see `ip link`)";
            case EOPNOTSUPP:
                return "the driver does not support this (veth and most virtual NICs support only copy mode: "
                    + "use BindMode.COPY or AUTO)";
            case EBUSY:
                return "the interface queue already has an AF_XDP socket bound, or an XDP program is already attached";
            case ENOMEM:
                return "not enough locked memory: raise RLIMIT_MEMLOCK (ulimit -l unlimited) or lower frameCount";
            case ENETDOWN:
                return "the interface is down: bring it up (ip link set dev <its name> up)";
            default:
                return null;
        }
    }
}
