package io.consort.layers.api;

import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import java.util.List;

/**
 * Chooses whose state the members of a view keep when they bring different states. It must be a deterministic
 * function of its arguments: every member evaluates it and must come to the same answer.
 */
@FunctionalInterface
public interface MergePolicy {
    /**
     * Any side over a {@linkplain Side#fresh() fresh} one (a joiner's empty state); then the side from a primary
     * view if any (the latest, should there be several); otherwise the largest side, ties going to the side holding
     * the lowest rank. Without the primary rule ({@code gmp} without a quorum) no view is
     * primary and the largest side wins.
     */
    MergePolicy DEFAULT = (view, sides) -> {
        int best = 0;
        for (int i = 1; i < sides.size(); i++) {
            Side side = sides.get(i);
            Side chosen = sides.get(best);
            if (side.fresh() != chosen.fresh()) {
                best = chosen.fresh() ? i : best;
            } else if (side.primary() != chosen.primary()) {
                best = side.primary() ? i : best;
            } else if (side.primary()) {
                best = side.stateView().compareTo(chosen.stateView()) > 0 ? i : best;
            } else if (side.size() != chosen.size()) {
                best = side.size() > chosen.size() ? i : best;
            } else {
                best = side.lowestRank() < chosen.lowestRank() ? i : best;
            }
        }
        return best;
    };

    /** The index in {@code sides} (never empty, ordered by lowest rank) of the side whose state is kept. */
    int choose(View view, List<Side> sides);

    /**
     * Members of the view that hold the same state: they settled it in the same view ({@link #stateView}, whose
     * primary flag is {@link #primary}) and went from there straight into the same next view ({@link #nextView}).
     */
    final class Side {
        private final ViewId stateView;
        private final ViewId nextView;
        private final boolean primary;
        private final boolean fresh;
        private final int[] ranks;

        public Side(ViewId stateView, ViewId nextView, boolean primary, boolean fresh, int[] ranks) {
            this.stateView = stateView;
            this.nextView = nextView;
            this.primary = primary;
            this.fresh = fresh;
            this.ranks = ranks.clone();
        }

        public ViewId stateView() {
            return stateView;
        }

        public ViewId nextView() {
            return nextView;
        }

        public boolean primary() {
            return primary;
        }

        /** The side's state is the empty one adopted when nobody had a state, with no multicast applied since. */
        public boolean fresh() {
            return fresh;
        }

        public int size() {
            return ranks.length;
        }

        /** The ranks, in the current view, of the side's members, ascending. */
        public int[] ranks() {
            return ranks.clone();
        }

        public int lowestRank() {
            return ranks[0];
        }

        @Override
        public String toString() {
            return "Side[" + stateView + (primary ? " primary" : "") + (fresh ? " fresh" : "") + " then " + nextView
                + " ranks=" + java.util.Arrays.toString(ranks) + "]";
        }
    }
}
