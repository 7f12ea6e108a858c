#!/usr/bin/env bash
# The MongoDB target's kill -9 soak, long: sysbench read-write on 3 schemas of a sandboxed MariaDB,
# replicated by a direct service with target.type = mongodb (a real replicator process) into the
# in-JVM MongoDB server (mongo-java-server: no transactions, so the apply-then-position path and
# its idempotent replay), while the replicator is SIGKILLed at random moments and (half as often)
# its connections to MongoDB are cut; then every table's
# rows are compared field by field with the collection's documents
# (ferry-it/src/test/java/io/ferry/it/MongoKillTest.java; the suite runs it with 4 kills).
#   Usage: scripts/mongo-kill-soak.sh [kills (10)] [seed (14)]
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

kills=${1:-10}
seed=${2:-14}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb sysbench
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

out=ferry-it/target/mongo-kill-soak
mkdir -p "$out"
say "mongodb kill soak: $kills kill(s) of the replicator, seed $seed"
start=$(date +%s)
status=0
if ! mvn -B -ntp "${extra[@]}" -pl ferry-it test '-Dtest=MongoKillTest' \
    -Dsurefire.failIfNoSpecifiedTests=false "-Dferry.mongo.kills=$kills" \
    "-Dferry.mongo.seed=$seed" > "$out/run-$seed.log" 2>&1; then
  status=1
fi
reports=ferry-it/target/surefire-reports
cat "$reports/io.ferry.it.MongoKillTest-output.txt" "$reports/io.ferry.it.MongoKillTest.txt" \
  > "$out/run-$seed-report.txt" 2>/dev/null || true
grep -h '^mongodb kill test' "$out/run-$seed-report.txt" | cut -c1-200 || true
grep -h 'Tests run:\|FAILURE\|AssertionError\|did not catch up\|exited by itself' -A3 \
  "$out/run-$seed-report.txt" | head -30 || true
echo "took $(( $(date +%s) - start )) s"
if [ "$status" != 0 ]; then
  echo "the soak failed; see $out/" >&2
fi
exit "$status"
