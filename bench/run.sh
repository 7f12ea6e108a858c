#!/usr/bin/env bash
# Builds and runs Ferry's core benchmark, which prints its figures and ratios against the named
# baselines. Not a test: nothing here passes or fails. Options are passed to the benchmark
# (--help lists them), for example: bench/run.sh --dir /data/bench --seconds 10
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package
exec java -Xms1g -Xmx1g -XX:+UseParallelGC -cp "bench/target/ferry-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
  io.ferry.bench.CoreBenchmark "$@"
