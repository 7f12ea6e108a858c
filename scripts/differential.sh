#!/usr/bin/env bash
# The differential tester, long: a seeded real-world workload on a sandboxed MariaDB source,
# replicated at once by MariaDB's own replication and by Ferry, every table compared row by row
# (docs/applier.md, ferry-it/src/test/java/io/ferry/it/DiffHarness.java). The test suite runs
# a short form of it (DifferentialTest).
#   Usage: scripts/differential.sh [minutes per format (10)] [formats (ROW,MIXED,STATEMENT)]
#                                  [Ferry kills per run (20 for ROW; 0 for the others)] [seed]
#                                  [layouts (1)]
# Layouts say how Ferry applies: 1 (one channel) or channels:scheduler, like 8:shard or 8:key
# (apply.channels and apply.scheduler); each format runs once per layout, e.g. "1,8:shard,8:key".
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
# Kills are SIGKILLs of the Ferry process at random moments; statement-based changes to
# non-transactional tables that are running at that instant are not exactly-once (a limitation
# docs/applier.md explains), so the default kills only the row-based run.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

minutes=${1:-10}
formats=${2:-ROW,MIXED,STATEMENT}
kills=${3:-}
seed=${4:-}
layouts=${5:-1}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

status=0
IFS=',' read -r -a list <<<"$formats"
IFS=',' read -r -a layout_list <<<"$layouts"
for format in "${list[@]}"; do
  for layout in "${layout_list[@]}"; do
    k=${kills:-$([ "$format" = ROW ] && echo 20 || echo 0)}
    name=$format$([ "$layout" = 1 ] || echo "-${layout/:/-}")
    say "differential run: $format, layout $layout, for $minutes minute(s), $k kill(s)"
    args=(-B -ntp "${extra[@]}" -pl ferry-it test -Dtest=DifferentialTest
          -Dsurefire.failIfNoSpecifiedTests=false "-Dferry.diff.formats=$format"
          "-Dferry.diff.seconds=$((minutes * 60))" "-Dferry.diff.kills=$k" "-Dferry.diff.layout=$layout")
    [ -n "$seed" ] && args+=("-Dferry.diff.seed=$seed")
    # the suite's rows repeat a format with other seeds and kills; a long run takes the first
    args+=("-Dferry.diff.only-first=true")
    if ! mvn "${args[@]}" > "ferry-it/target/differential-$name.log" 2>&1; then
      status=1
    fi
    reports=ferry-it/target/surefire-reports
    cat "$reports/io.ferry.it.DifferentialTest-output.txt" "$reports/io.ferry.it.DifferentialTest.txt" \
      > "ferry-it/target/differential-$name-report.txt" 2>/dev/null || true
    grep -h '^differential ' "ferry-it/target/differential-$name-report.txt" || true
    grep -h 'Expecting empty but was\|Ferry stopped on an error\|did not catch up\|FAILURE' -A3 \
      "ferry-it/target/differential-$name-report.txt" | head -20 || true
  done
done
if [ "$status" != 0 ]; then
  echo "a differential run found a difference or failed; see ferry-it/target/differential-*" >&2
fi
exit "$status"
