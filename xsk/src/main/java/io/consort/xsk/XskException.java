package io.consort.xsk;

/**
 * A system call of the AF_XDP binding failed. The message says what was attempted, the errno text, and what
 * to do about it; {@link #errno()} is the raw error number (0 when the failure was not a system call's).
 */
public final class XskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public XskException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
