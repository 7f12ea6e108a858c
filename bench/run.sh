#!/usr/bin/env bash
# Builds and runs Ferry's benchmarks, which print their figures and ratios against the named
# baselines. Not tests: nothing here passes or fails.
#   bench/run.sh [core] [options]   the THL and pipeline (--help for options)
#   bench/run.sh binlog [options]   binlog extraction vs mariadb-binlog (needs sysbench, MariaDB)
#   bench/run.sh apply [options]    catch-up and lag vs MariaDB replication (needs sysbench, MariaDB)
#   bench/run.sh apply --parallel [--workload A|B|C|all] [--seconds N] [--b-size-mb N] ...
#                                   parallel apply: native single-threaded and optimistic parallel
#                                   replication vs Ferry 1 channel, shard and key with 4/8 channels,
#                                   on 30 schemas in memory (A), I/O-bound (B), one schema (C)
#                                   (apply --help lists the options)
#   bench/run.sh filters [options]  built-in filter chains vs the bare pipeline; JavaScript and Lua filters
#   bench/run.sh conflicts [--part throughput|convergence|all] [--seconds N] [--rounds N] [--burst N] ...
#                                   multi-master conflict detection: apply throughput with detection
#                                   off and on (no conflicts), and convergence of three all-to-all
#                                   masters after a burst of conflicting updates (conflicts --help
#                                   lists the options; needs sysbench, MariaDB)
#   bench/run.sh check [--rows N] [--seconds N] [--rounds N]
#                                   consistency check: rows/s checked on the source and on the
#                                   replica, and a write workload's throughput alone and with
#                                   checks running (check --help lists the options)
#   bench/run.sh targets [--part postgresql|warehouse|kafka|mongodb|all] [options]
#                                   heterogeneous targets: row changes/s into PostgreSQL (target
#                                   10,000), the warehouse applier vs row-by-row into DuckDB and
#                                   PostgreSQL (target 100x), Kafka (a broker in the JVM) and
#                                   MongoDB (mongo-java-server in the JVM) row changes/s
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh
which=core
if [ $# -gt 0 ] && { [ "$1" = core ] || [ "$1" = binlog ] || [ "$1" = apply ] || [ "$1" = filters ] \
  || [ "$1" = conflicts ] || [ "$1" = targets ] || [ "$1" = check ]; }; then
  which=$1
  shift
fi
main=io.ferry.bench.CoreBenchmark
if [ "$which" = binlog ]; then
  ensure_packages mariadb sysbench
  main=io.ferry.bench.BinlogBenchmark
elif [ "$which" = filters ]; then
  main=io.ferry.bench.FilterBenchmark
elif [ "$which" = apply ]; then
  ensure_packages mariadb sysbench
  main=io.ferry.bench.ApplyBenchmark
elif [ "$which" = conflicts ]; then
  ensure_packages mariadb sysbench
  main=io.ferry.bench.ConflictBenchmark
elif [ "$which" = check ]; then
  ensure_packages mariadb sysbench
  main=io.ferry.bench.CheckBenchmark
elif [ "$which" = targets ]; then
  ensure_packages mariadb postgresql sysbench
  main=io.ferry.bench.targets.TargetBenchmark
fi
mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am install
exec java -Xms1g -Xmx1g -XX:+UseParallelGC -cp "bench/target/ferry-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
  "$main" "$@"
