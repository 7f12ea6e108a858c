#!/usr/bin/env bash
# The kill -9 soak, long: sysbench read-write on 8 schemas and ledger clients (one numbered row per
# transaction) on a sandboxed MariaDB source, a master service, a slave service applying with one
# channel, with 8 channels (shard and key scheduler) or with another layout at each start
# (8:rotate), while the master, the slave and the replica's mariadbd are each SIGKILLed at random
# moments and the network between the services is cut; then every table is compared (CHECKSUM)
# and the ledger checked for gaps and duplicates (ferry-it/src/test/java/io/ferry/it/KillSoakTest.java).
# The test suite runs a short form of it.
#   Usage: scripts/kill-soak.sh [kills of each kind (20)] [layouts (1:shard,8:shard,8:key,8:rotate)]
#                               [rounds (1)] [seed of the first round (42)]
# Each round runs every layout with its own seed (the first round's seed, plus one a round).
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

kills=${1:-20}
layouts=${2:-1:shard,8:shard,8:key,8:rotate}
rounds=${3:-1}
seed=${4:-42}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb sysbench
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

status=0
out=ferry-it/target/kill-soak
mkdir -p "$out"
for ((round = 0; round < rounds; round++)); do
  s=$((seed + round))
  say "kill soak round $((round + 1)) of $rounds: $layouts, $kills kill(s) of each kind, seed $s"
  start=$(date +%s)
  log="$out/round-$s.log"
  if ! mvn -B -ntp "${extra[@]}" -pl ferry-it test '-Dtest=KillSoakTest#everythingKilled*' \
      -Dsurefire.failIfNoSpecifiedTests=false "-Dferry.soak.kills=$kills" \
      "-Dferry.soak.layouts=$layouts" "-Dferry.soak.seed=$s" > "$log" 2>&1; then
    status=1
  fi
  reports=ferry-it/target/surefire-reports
  cat "$reports/io.ferry.it.KillSoakTest-output.txt" "$reports/io.ferry.it.KillSoakTest.txt" \
    > "$out/round-$s-report.txt" 2>/dev/null || true
  grep -h '^soak done' "$out/round-$s-report.txt" || true
  grep -h 'Tests run:\|FAILURE\|AssertionError\|did not catch up\|exited by itself' -A3 \
    "$out/round-$s-report.txt" | head -30 || true
  echo "round took $(( $(date +%s) - start )) s"
done
if [ "$status" != 0 ]; then
  echo "a soak round failed; see $out/ (and each layout's service logs there)" >&2
fi
exit "$status"
