package io.consort.layers.runtime;

import io.consort.iovec.Account;
import io.consort.iovec.FramePool;
import io.consort.iovec.ObjectPool;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A member's notable events, through {@link System.Logger} {@value #NAME} (java.util.logging unless the
 * application installs another backend): views installed, members suspected, this member excluded or gone, the
 * first occurrence of each distinct error caught in a duty cycle, and pools that run dry (once per episode).
 * Called at view changes, on errors and once per duty cycle for the pools (reading four counters); never per
 * message, and nothing is formatted unless the level is enabled.
 */
final class MemberLog {
    static final String NAME = "io.consort.member";
    /** An exhaustion episode ends after this long without another failed acquisition. */
    static final long EPISODE_QUIET_NANOS = 1_000_000_000L;
    /** Distinct errors logged at most; the distinct error log keeps counting them all. */
    static final int MAX_DISTINCT_ERRORS = 64;
    private static final Logger LOG = System.getLogger(NAME);
    private static final Account[] ACCOUNTS = Account.values();

    private final Endpoint self;
    private final FramePool frames;
    private final ObjectPool<Event> events;
    private final List<Throwable> errorsLogged = new ArrayList<>();

    private final Episode eventsDry = new Episode();
    private final Episode[] framesDry = new Episode[ACCOUNTS.length];

    MemberLog(Endpoint self, FramePool frames, ObjectPool<Event> events) {
        this.self = self;
        this.frames = frames;
        this.events = events;
        eventsDry.failed = events.exhaustedCount();
        for (Account account : ACCOUNTS) {
            framesDry[account.ordinal()] = new Episode();
            framesDry[account.ordinal()].failed = frames.exhaustedCount(account);
        }
    }

    void viewInstalled(View previous, View next) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        StringBuilder out = new StringBuilder("member ").append(self).append(": view ").append(next.id())
            .append(" installed, ").append(next.size()).append(next.size() == 1 ? " member " : " members ")
            .append(Arrays.toString(next.members())).append(next.primary() ? ", primary" : ", not primary");
        if (previous != null) {
            List<Endpoint> joined = new ArrayList<>();
            for (Endpoint member : next.members()) {
                if (!previous.contains(member)) {
                    joined.add(member);
                }
            }
            List<Endpoint> gone = new ArrayList<>();
            for (Endpoint member : previous.members()) {
                if (!next.contains(member)) {
                    gone.add(member);
                }
            }
            if (!joined.isEmpty()) {
                out.append("; joined ").append(joined);
            }
            if (!gone.isEmpty()) {
                out.append("; left or excluded ").append(gone);
            }
            out.append(" (after ").append(previous.id()).append(')');
        }
        LOG.log(Level.INFO, out.toString());
    }

    void suspected(View view, Endpoint member) {
        if (LOG.isLoggable(Level.WARNING)) {
            LOG.log(Level.WARNING, "member " + self + ": suspects " + member + " in view " + view.id()
                + " (silent past the suspicion timeout, or suspected by another member); the view will change");
        }
    }

    void excluded(View view) {
        if (LOG.isLoggable(Level.WARNING)) {
            LOG.log(Level.WARNING, "member " + self + ": excluded, the group went on without it after view "
                + view.id() + "; it stops, and the application joins again as a new incarnation");
        }
    }

    void left(View view) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.log(Level.INFO, "member " + self + ": left the group after view " + view.id());
        }
    }

    /** Logs {@code error} if no error like it (class, message, stack) was logged before. */
    void error(Throwable error) {
        if (!LOG.isLoggable(Level.ERROR) || errorsLogged.size() > MAX_DISTINCT_ERRORS) {
            return;
        }
        for (Throwable logged : errorsLogged) {
            if (logged.getClass() == error.getClass() && java.util.Objects.equals(logged.getMessage(),
                error.getMessage()) && Arrays.equals(logged.getStackTrace(), error.getStackTrace())) {
                return;
            }
        }
        errorsLogged.add(error);
        if (errorsLogged.size() > MAX_DISTINCT_ERRORS) {
            LOG.log(Level.ERROR, "member " + self + ": more than " + MAX_DISTINCT_ERRORS + " distinct errors;"
                + " no more are logged, the member's distinct error log and its 'member errors' counter keep count");
            return;
        }
        LOG.log(Level.ERROR, "member " + self + ": error in a duty cycle, first of its kind (the member goes on;"
            + " repeats are counted in 'member errors' and its distinct error log)", error);
    }

    /** Once per duty cycle: starts or ends an exhaustion episode of the event pool or a frame account. */
    void checkPools(long now) {
        int change = eventsDry.update(events.exhaustedCount(), now);
        if (change == Episode.STARTED && LOG.isLoggable(Level.WARNING)) {
            LOG.log(Level.WARNING, "member " + self + ": the event pool ran dry (all " + events.capacity()
                + " events in use); layers defer their messages until events return. If this recurs, raise"
                + " MemberConfig.eventCount");
        } else if (change == Episode.ENDED && LOG.isLoggable(Level.INFO)) {
            LOG.log(Level.INFO, "member " + self + ": the event pool has events again (" + eventsDry.failedInEpisode()
                + " acquisitions failed in that episode)");
        }
        for (Account account : ACCOUNTS) {
            Episode dry = framesDry[account.ordinal()];
            change = dry.update(frames.exhaustedCount(account), now);
            if (change == Episode.STARTED && LOG.isLoggable(Level.WARNING)) {
                LOG.log(Level.WARNING, "member " + self + ": the frame pool's " + account + " account ran dry ("
                    + frames.limit(account) + " frames); " + (account == Account.RECEIVE
                    ? "packets wait in the transport" : "messages wait") + " until frames return. If this recurs,"
                    + " give the frame pool more frames");
            } else if (change == Episode.ENDED && LOG.isLoggable(Level.INFO)) {
                LOG.log(Level.INFO, "member " + self + ": the frame pool's " + account + " account has frames again ("
                    + dry.failedInEpisode() + " acquisitions failed in that episode)");
            }
        }
    }

    /**
     * Failed acquisitions of one pool, seen once per duty cycle: an episode starts with the first and ends
     * {@link #EPISODE_QUIET_NANOS} after the last.
     */
    private static final class Episode {
        static final int NONE = 0;
        static final int STARTED = 1;
        static final int ENDED = 2;

        long failed;
        long failedAtStart;
        long lastFailure;
        boolean active;

        int update(long failedNow, long now) {
            if (failedNow != failed) {
                boolean started = !active;
                if (started) {
                    active = true;
                    failedAtStart = failed;
                }
                failed = failedNow;
                lastFailure = now;
                return started ? STARTED : NONE;
            }
            if (active && now - lastFailure > EPISODE_QUIET_NANOS) {
                active = false;
                return ENDED;
            }
            return NONE;
        }

        long failedInEpisode() {
            return failed - failedAtStart;
        }
    }
}
