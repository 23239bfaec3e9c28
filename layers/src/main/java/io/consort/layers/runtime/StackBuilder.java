package io.consort.layers.runtime;

/** Builds the stack of one view, from the same description every time: a new view gets fresh layers. */
@FunctionalInterface
public interface StackBuilder {
    Stack build(View view, ViewHost host);
}
