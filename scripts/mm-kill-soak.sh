#!/usr/bin/env bash
# The multi-master kill -9 soak, long: three sandboxed MariaDB sites all to all (the services
# `ferry setup all-masters` writes, run by one replicator in its own JVM), each writing its own
# shards with sysbench and a ledger client, while the replicator and a random site's mariadbd are
# each SIGKILLed and restarted at random moments; then every table is compared on every site
# (CHECKSUM) and every site's ledger checked on every other site for gaps and duplicates
# (ferry-it/src/test/java/io/ferry/it/MultiMasterKillSoakTest.java). The test suite runs a short
# form of it (3 kills of each kind).
#   Usage: scripts/mm-kill-soak.sh [kills of each kind (10)] [rounds (1)] [seed of the first round (13)]
# Each round has its own seed (the first round's seed, plus one a round).
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

kills=${1:-10}
rounds=${2:-1}
seed=${3:-13}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb sysbench
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

status=0
out=ferry-it/target/mm-kill-soak
mkdir -p "$out"
for ((round = 0; round < rounds; round++)); do
  s=$((seed + round))
  say "multi-master kill soak round $((round + 1)) of $rounds: $kills kill(s) of each kind, seed $s"
  start=$(date +%s)
  log="$out/round-$s.log"
  if ! mvn -B -ntp "${extra[@]}" -pl ferry-it test -Dtest=MultiMasterKillSoakTest \
      "-Dferry.mmsoak.kills=$kills" "-Dferry.mmsoak.seed=$s" > "$log" 2>&1; then
    status=1
  fi
  reports=ferry-it/target/surefire-reports
  cat "$reports/io.ferry.it.MultiMasterKillSoakTest-output.txt" \
    "$reports/io.ferry.it.MultiMasterKillSoakTest.txt" > "$out/round-$s-report.txt" 2>/dev/null || true
  grep -h '^mm kill soak done' "$out/round-$s-report.txt" || true
  grep -h 'Tests run:\|FAILURE\|AssertionError\|OFFLINE:ERROR\|did not reach\|exited by itself' -A3 \
    "$out/round-$s-report.txt" | head -30 || true
  echo "round took $(( $(date +%s) - start )) s"
done
if [ "$status" != 0 ]; then
  echo "a soak round failed; see $out/ (and the replicator's log in ferry-it/target/mm-kill-soak/)" >&2
fi
exit "$status"
