package io.consort.sim.membership;

import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges the recorded histories of every process of a run against what virtual synchrony promises:
 * <ol>
 *   <li>view agreement: every process that installs a view installs the same members and primary flag, the view
 *       includes it, and the views each process installs have increasing logical times;</li>
 *   <li>virtual synchrony: processes that both move from view V to view W delivered the same casts in V;</li>
 *   <li>each origin's casts and sends arrive intact, at most once, in order, and without gaps within a view;
 *       every process delivers each of its own casts;</li>
 *   <li>at most one primary view per logical time;</li>
 *   <li>(at the end of a quiet run, {@link #checkConverged}) the live processes share one view of exactly them,
 *       in which they all delivered the same casts.</li>
 * </ol>
 */
public final class VsyncChecker {
    private final List<History> histories = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    /** A new process's history, written by the returned recorder. */
    public Recorder record(Endpoint process, History[] into) {
        History history = new History(process);
        histories.add(history);
        into[0] = history;
        return new Recorder(history, this);
    }

    void violation(String what) {
        violations.add(what);
    }

    public List<History> histories() {
        return histories;
    }

    /** The first violation found so far, or null. */
    public String firstViolation() {
        return violations.isEmpty() ? null : violations.get(0);
    }

    public int violationCount() {
        return violations.size();
    }

    /** Runs checks 1 to 4 over everything recorded; returns the first violation, or null. */
    public String check() {
        checkViews();
        checkVirtualSynchrony();
        checkOrder();
        checkPrimaries();
        return firstViolation();
    }

    private void checkViews() {
        Map<ViewId, View> first = new HashMap<>();
        for (History history : histories) {
            long lastTime = -1;
            for (History.Installed installed : history.views) {
                View view = installed.view;
                if (!view.self().equals(history.process)) {
                    violation(history.process + " installed " + view + ", which names " + view.self() + " as itself");
                }
                if (view.id().ltime() <= lastTime && lastTime >= 0) {
                    violation(history.process + " installed " + view.id() + " after a view of logical time " + lastTime);
                }
                lastTime = view.id().ltime();
                View seen = first.putIfAbsent(view.id(), view);
                if (seen != null && (!Arrays.equals(seen.members(), view.members())
                    || seen.primary() != view.primary())) {
                    violation("view " + view.id() + " installed as " + Arrays.toString(seen.members())
                        + (seen.primary() ? " primary" : "") + " and as " + Arrays.toString(view.members())
                        + (view.primary() ? " primary" : "") + " (by " + history.process + ")");
                }
            }
        }
    }

    private void checkVirtualSynchrony() {
        Map<String, Set<String>> deliveredBeforeMove = new HashMap<>();
        Map<String, Endpoint> firstMover = new HashMap<>();
        for (History history : histories) {
            for (int i = 0; i + 1 < history.views.size(); i++) {
                History.Installed from = history.views.get(i);
                String move = from.view.id() + " -> " + history.views.get(i + 1).view.id();
                Set<String> delivered = deliveredSet(from.casts);
                Set<String> other = deliveredBeforeMove.putIfAbsent(move, delivered);
                firstMover.putIfAbsent(move, history.process);
                if (other != null && !other.equals(delivered)) {
                    Set<String> onlyOther = new HashSet<>(other);
                    onlyOther.removeAll(delivered);
                    Set<String> onlyThis = new HashSet<>(delivered);
                    onlyThis.removeAll(other);
                    violation("virtual synchrony: " + firstMover.get(move) + " and " + history.process + " both moved "
                        + move + " but delivered different casts in the first: only the former "
                        + first(onlyOther) + ", only the latter " + first(onlyThis));
                }
            }
        }
    }

    private static Set<String> deliveredSet(List<long[]> deliveries) {
        Set<String> set = new HashSet<>();
        for (long[] d : deliveries) {
            set.add(d[0] + "#" + d[1] + ":" + d[2]);
        }
        return set;
    }

    private static String first(Set<String> set) {
        List<String> sorted = new ArrayList<>(set);
        java.util.Collections.sort(sorted);
        return sorted.size() <= 5 ? sorted.toString() : sorted.subList(0, 5) + " and " + (sorted.size() - 5) + " more";
    }

    private void checkOrder() {
        for (History history : histories) {
            Map<String, Long> lastCast = new HashMap<>();
            Map<String, Long> lastSend = new HashMap<>();
            long[] ownCasts = {0};
            for (History.Installed installed : history.views) {
                checkStream(history, installed, installed.casts, lastCast, ownCasts, "cast");
                checkStream(history, installed, installed.sends, lastSend, null, "send");
            }
            if (!history.crashed && ownCasts[0] != history.castsOffered) {
                violation(history.process + " offered " + history.castsOffered + " casts but delivered " + ownCasts[0]
                    + " of its own");
            }
        }
    }

    /** Checks one view's deliveries of one kind; counts the process's own casts in {@code own} (null: sends). */
    private void checkStream(History history, History.Installed installed, List<long[]> deliveries,
                             Map<String, Long> last, long[] own, String kind) {
        Set<String> seenInView = new HashSet<>();
        for (long[] d : deliveries) {
            String origin = d[0] + "#" + d[1];
            Long previous = last.get(origin);
            boolean firstInView = seenInView.add(origin);
            if (previous != null && d[2] <= previous) {
                violation(history.process + " delivered " + kind + " " + d[2] + " of " + origin + " after " + previous
                    + " (duplicate or out of order) in " + installed.view.id());
            } else if (previous != null && !firstInView && d[2] != previous + 1) {
                violation(history.process + " skipped " + kind + "s " + (previous + 1) + " to " + (d[2] - 1) + " of "
                    + origin + " within view " + installed.view.id());
            }
            if (own != null && history.process.is((int) d[0], (int) d[1])) {
                if (d[2] != own[0]) {
                    violation(history.process + " delivered its own cast " + d[2] + " when " + own[0] + " was next");
                }
                own[0]++;
            }
            last.put(origin, d[2]);
        }
    }

    /**
     * Total order, for total-order stacks: any two processes that installed the same view and then the same next
     * one (or both stopped in it) delivered their common casts of it in the same order; with virtual synchrony,
     * they delivered the same sequence, so the view change sits at the same point of both streams. Processes
     * that part in a view (a partition) agree on what the sequencer's decisions ordered but may order the rest
     * differently, each side by the same rule over a different cut. Returns the first violation, or null.
     */
    public String checkTotalOrder() {
        Map<String, List<History.Installed>> byView = new HashMap<>();
        Map<History.Installed, Endpoint> owner = new HashMap<>();
        for (History history : histories) {
            for (int i = 0; i < history.views.size(); i++) {
                History.Installed installed = history.views.get(i);
                String next = i + 1 < history.views.size() ? history.views.get(i + 1).view.id().toString()
                    : history.left ? "left" : "stopped";
                byView.computeIfAbsent(installed.view.id() + " -> " + next, id -> new ArrayList<>()).add(installed);
                owner.put(installed, history.process);
            }
        }
        for (Map.Entry<String, List<History.Installed>> entry : byView.entrySet()) {
            List<History.Installed> installs = entry.getValue();
            for (int i = 0; i < installs.size(); i++) {
                for (int j = i + 1; j < installs.size(); j++) {
                    String clash = firstOrderClash(installs.get(i).casts, installs.get(j).casts);
                    if (clash != null) {
                        violation("total order in " + entry.getKey() + ": " + owner.get(installs.get(i)) + " and "
                            + owner.get(installs.get(j)) + " delivered " + clash);
                        return firstViolation();
                    }
                }
            }
        }
        return firstViolation();
    }

    /** Where two delivery sequences order their common casts differently, or null. */
    private static String firstOrderClash(List<long[]> first, List<long[]> second) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < second.size(); i++) {
            long[] d = second.get(i);
            position.put(d[0] + "#" + d[1] + ":" + d[2], i);
        }
        int last = -1;
        String lastKey = null;
        for (long[] d : first) {
            String key = d[0] + "#" + d[1] + ":" + d[2];
            Integer at = position.get(key);
            if (at == null) {
                continue;
            }
            if (at < last) {
                return lastKey + " before " + key + " and the other way round";
            }
            last = at;
            lastKey = key;
        }
        return null;
    }

    private void checkPrimaries() {
        Map<Long, ViewId> primaryAt = new HashMap<>();
        for (History history : histories) {
            for (History.Installed installed : history.views) {
                if (!installed.view.primary()) {
                    continue;
                }
                ViewId other = primaryAt.putIfAbsent(installed.view.id().ltime(), installed.view.id());
                if (other != null && !other.equals(installed.view.id())) {
                    violation("two primary views at logical time " + installed.view.id().ltime() + ": " + other + " and "
                        + installed.view.id());
                }
            }
        }
    }

    /**
     * At the end of a quiet run: the processes in {@code live} share one view of exactly them and delivered the
     * same casts in it. Returns what is wrong, or null.
     */
    public String checkConverged(List<History> live) {
        if (live.isEmpty()) {
            return null;
        }
        View common = live.get(0).current().view;
        Set<Endpoint> expected = new HashSet<>();
        for (History history : live) {
            expected.add(history.process);
        }
        if (!new HashSet<>(Arrays.asList(common.members())).equals(expected)) {
            return "not converged: " + live.get(0).process + " is in " + common + ", the live processes are " + expected;
        }
        Set<String> delivered = deliveredSet(live.get(0).current().casts);
        for (History history : live) {
            View view = history.current().view;
            if (!view.id().equals(common.id())) {
                return "not converged: " + history.process + " is in " + view + ", " + live.get(0).process + " in "
                    + common;
            }
            if (!deliveredSet(history.current().casts).equals(delivered)) {
                return "in the final view " + common.id() + ", " + history.process + " delivered other casts than "
                    + live.get(0).process;
            }
        }
        return null;
    }
}
