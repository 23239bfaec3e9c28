package io.consort.layers.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.consort.layers.api.MergePolicy;
import io.consort.layers.runtime.Endpoint;
import io.consort.layers.runtime.View;
import io.consort.layers.runtime.ViewId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default merge policy: any state over a joiner's empty one, then primary, then size, then lowest rank. */
class MergePolicyTest {
    private static final View VIEW = new View(1, 0, 6);

    private static MergePolicy.Side side(long ltime, boolean primary, boolean fresh, int... ranks) {
        ViewId id = new ViewId(ltime, new Endpoint(ranks[0], 1));
        return new MergePolicy.Side(id, new ViewId(9, new Endpoint(0, 0)), primary, fresh, ranks);
    }

    private static int choose(MergePolicy.Side... sides) {
        return MergePolicy.DEFAULT.choose(VIEW, List.of(sides));
    }

    @Test
    void aPrimarySideWinsOverALargerOne() {
        assertEquals(1, choose(side(3, false, false, 0, 1, 2, 3), side(2, true, false, 4, 5)));
    }

    @Test
    void theLatestPrimarySideWins() {
        assertEquals(0, choose(side(5, true, false, 0), side(4, true, false, 1, 2)));
    }

    @Test
    void otherwiseTheLargestSideWinsAndTiesGoToTheLowestRank() {
        assertEquals(1, choose(side(3, false, false, 0), side(2, false, false, 1, 2)));
        assertEquals(0, choose(side(3, false, false, 0, 3), side(2, false, false, 1, 2)));
    }

    @Test
    void anyStateWinsOverAFreshOne() {
        assertEquals(1, choose(side(3, true, true, 0, 1, 2), side(1, false, false, 3)));
    }
}
