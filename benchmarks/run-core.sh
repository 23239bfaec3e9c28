#!/bin/sh
# Builds the core modules and the benchmarks, runs the group throughput runner and a short JMH -prof gc pass,
# and writes both to benchmarks/results/core-<date>.txt. Builds and runs hold /tmp/consort-build.lock so that
# nothing else on the machine builds while we measure.
#   benchmarks/run-core.sh                 full run (about 3 minutes)
#   RUNNER_ARGS=--quick JMH_ARGS="-f 1 -wi 1 -i 1 -w 1s -r 1s" benchmarks/run-core.sh   smoke run
set -eu
cd "$(dirname "$0")/.."
LOCK=/tmp/consort-build.lock
JVM_ARGS="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
RUNNER_ARGS=${RUNNER_ARGS:-}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s}
JMH_FILTER=${JMH_FILTER:-io.consort.bench.jmh}
OUT=benchmarks/results/core-$(date +%Y-%m-%d).txt
JAR=benchmarks/target/benchmarks.jar

flock "$LOCK" mvn -q -o install -pl iovec,layers,test-support,stack-configs -DskipTests
flock "$LOCK" mvn -q -o -pl benchmarks package -DskipTests

mkdir -p benchmarks/results
{
    echo "# Consort core benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- iovec layers stack-configs benchmarks/src || echo ' (with local changes)')"
    echo "# $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc) cpus visible"
    echo "# $(java -version 2>&1 | head -1)"
    echo "# java $JVM_ARGS -cp $JAR io.consort.bench.GroupThroughput $RUNNER_ARGS"
    echo
} > "$OUT"

# shellcheck disable=SC2086 # word splitting of the argument lists is intended
flock "$LOCK" java $JVM_ARGS -cp "$JAR" io.consort.bench.GroupThroughput $RUNNER_ARGS | tee -a "$OUT"

{
    echo
    echo "# java $JVM_ARGS -jar $JAR $JMH_ARGS -prof gc $JMH_FILTER"
    echo
} >> "$OUT"
# shellcheck disable=SC2086
flock "$LOCK" java $JVM_ARGS -jar "$JAR" $JMH_ARGS -prof gc "$JMH_FILTER" > "$OUT.jmh"
# Keep JMH's summary table, not its per-iteration log.
sed -n '/^Benchmark /,$p' "$OUT.jmh" >> "$OUT"
rm -f "$OUT.jmh"
echo "results written to $OUT"
