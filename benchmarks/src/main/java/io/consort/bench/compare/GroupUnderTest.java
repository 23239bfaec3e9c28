package io.consort.bench.compare;

/**
 * A group of members in this JVM, whichever toolkit runs it, as the comparison harness drives it: every member
 * multicasts to all (itself included) and counts what it delivers in a {@link Deliveries}.
 */
interface GroupUnderTest extends AutoCloseable {
    int size();

    /**
     * Multicasts one {@code length}-byte message from member {@code rank}, stamped by {@link Probe#write}. Called
     * by one thread per rank at a time.
     *
     * @return false when the toolkit pushed back and the message was not taken (try again)
     */
    boolean multicast(int rank, long seqno, int length);

    Deliveries deliveries(int rank);

    @Override
    void close();
}
