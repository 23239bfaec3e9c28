package io.consort.layers.runtime;

/** A layer's part in the ordering check: what it provides and what it needs above and below it. */
public interface StackShape {
    /** {@link Services} this layer offers to the layers above it. */
    default int provides() {
        return 0;
    }

    /** {@link Services} some layer below this one must provide. */
    default int requiresBelow() {
        return 0;
    }

    /** {@link Services} some layer above this one must provide. */
    default int requiresAbove() {
        return 0;
    }
}
