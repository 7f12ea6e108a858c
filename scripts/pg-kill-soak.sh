#!/usr/bin/env bash
# The MariaDB → PostgreSQL kill -9 soak, long: a direct service (target.type = postgresql, run by
# the replicator in its own JVM) under sysbench read-write on 4 schemas, while the replicator
# process and the PostgreSQL server are each SIGKILLed and restarted at random moments; then every
# table is compared row by row, MariaDB against PostgreSQL
# (ferry-it/src/test/java/io/ferry/it/PostgresTargetKillTest.java). The test suite runs a short
# form of it (3 kills of each kind).
#   Usage: scripts/pg-kill-soak.sh [kills of each kind (10)] [rounds (1)] [seed of the first round (7)]
# Each round has its own seed (the first round's seed, plus one a round).
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

kills=${1:-10}
rounds=${2:-1}
seed=${3:-7}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb postgresql sysbench
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

status=0
out=ferry-it/target/pg-kill-soak
mkdir -p "$out"
for ((round = 0; round < rounds; round++)); do
  s=$((seed + round))
  say "PostgreSQL kill soak round $((round + 1)) of $rounds: $kills kill(s) of each kind, seed $s"
  start=$(date +%s)
  log="$out/round-$s.log"
  if ! mvn -B -ntp "${extra[@]}" -pl ferry-it test -Dtest=PostgresTargetKillTest \
      "-Dferry.pgsoak.kills=$kills" "-Dferry.pgsoak.seed=$s" > "$log" 2>&1; then
    status=1
  fi
  reports=ferry-it/target/surefire-reports
  cat "$reports/io.ferry.it.PostgresTargetKillTest-output.txt" \
    "$reports/io.ferry.it.PostgresTargetKillTest.txt" > "$out/round-$s-report.txt" 2>/dev/null || true
  grep -h '^PostgreSQL kill test' "$out/round-$s-report.txt" || true
  grep -h 'Tests run:\|FAILURE\|AssertionError\|did not catch up\|exited by itself' -A3 \
    "$out/round-$s-report.txt" | head -30 || true
  echo "round took $(( $(date +%s) - start )) s"
done
if [ "$status" != 0 ]; then
  echo "a soak round failed; see $out/" >&2
fi
exit "$status"
