package io.consort.layers.membership;

/**
 * The coordinator's side of one flush attempt: who takes part, which step it is at, who has answered the
 * step, and, once every participant has reported what it delivered, the cut: per origin, the most casts any
 * participant delivered and a participant that has them.
 */
final class FlushRound {
    static final int DRAIN = 0;
    static final int BLOCK = 1;
    static final int CUT = 2;
    /** The flush is complete; the view waits on a merge partner. */
    static final int DONE = 3;

    final long attempt;
    final boolean[] participant;
    final boolean[] answered;
    final long[] target;
    final long[] holder;
    int step = DRAIN;
    long deadline;

    FlushRound(long attempt, boolean[] participant, long deadline) {
        this.attempt = attempt;
        this.participant = participant.clone();
        this.answered = new boolean[participant.length];
        this.target = new long[participant.length];
        this.holder = new long[participant.length];
        this.deadline = deadline;
        java.util.Arrays.fill(holder, -1);
    }

    /** Records {@code rank}'s answer to {@code step}; true when every participant has answered it. */
    boolean answer(int step, int rank) {
        if (step != this.step || !participant[rank]) {
            return false;
        }
        answered[rank] = true;
        for (int r = 0; r < participant.length; r++) {
            if (participant[r] && !answered[r]) {
                return false;
            }
        }
        return true;
    }

    /** Folds {@code rank}'s delivered counts into the cut. */
    void report(int rank, long[] delivered, int members) {
        for (int origin = 0; origin < members; origin++) {
            if (holder[origin] < 0 || delivered[origin] > target[origin]) {
                target[origin] = delivered[origin];
                holder[origin] = rank;
            }
        }
    }

    void nextStep(int step, long deadline) {
        this.step = step;
        this.deadline = deadline;
        java.util.Arrays.fill(answered, false);
    }

    boolean isParticipant(int rank) {
        return participant[rank];
    }

    /** True if a participant has not answered the current step. */
    boolean waitingFor(int rank) {
        return participant[rank] && !answered[rank] && step != DONE;
    }
}
