#!/usr/bin/env bash
# The warehouse target's kill -9 soak, long: sysbench read-write on 4 schemas of a sandboxed
# MariaDB, a direct service applying into the warehouse in batches (DuckDB file, and PostgreSQL),
# SIGKILLed at random moments during the load (and PostgreSQL's server too); then every table is
# compared row by row with the source (ferry-it/src/test/java/io/ferry/it/WarehouseKillTest.java;
# the suite runs a short form).
#   Usage: scripts/warehouse-kill-soak.sh [kills (12)] [seed (7)]
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

kills=${1:-12}
seed=${2:-7}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb postgresql sysbench
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

out=ferry-it/target/warehouse-kill-soak
mkdir -p "$out"
say "warehouse kill soak: $kills kills per dialect, seed $seed"
start=$(date +%s)
status=0
if ! mvn -B -ntp "${extra[@]}" -pl ferry-it test -Dtest=WarehouseKillTest \
    -Dsurefire.failIfNoSpecifiedTests=false "-Dferry.warehouse.kills=$kills" \
    "-Dferry.warehouse.seed=$seed" > "$out/run-$seed.log" 2>&1; then
  status=1
fi
reports=ferry-it/target/surefire-reports
cat "$reports/io.ferry.it.WarehouseKillTest-output.txt" "$reports/io.ferry.it.WarehouseKillTest.txt" \
  > "$out/report-$seed.txt" 2>/dev/null || true
cp ferry-it/target/warehouse-kill-*.log "$out/" 2>/dev/null || true
grep -h '^warehouse kill test' "$out/report-$seed.txt" || true
grep -h 'Tests run:\|FAILURE\|AssertionError\|did not catch up\|exited by itself' -A3 \
  "$out/report-$seed.txt" | head -30 || true
echo "took $(( $(date +%s) - start )) s"
if [ "$status" != 0 ]; then
  echo "the soak failed; see $out/" >&2
fi
exit "$status"
