#!/usr/bin/env bash
# The Kafka target's kill -9 soak, long form: a workload on a sandboxed MariaDB replicated by a
# replicator process (a direct service, and a slave service fed by a master process, each with
# target.type = kafka) into a KRaft broker in the test JVM,
# the applying replicator SIGKILLed N times; a read_committed consumer must see every row change of the
# source's binlog exactly once, in order per key (ferry-it/src/test/java/io/ferry/it/KafkaKillTest.java).
# The test suite runs a short form (3 kills).
#   Usage: scripts/kafka-kill-soak.sh [kills (10)] [seed (7)]
# Extra arguments for mvn may be given in FERRY_MVN_ARGS (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

kills=${1:-10}
seed=${2:-7}
# shellcheck disable=SC2206 # extra mvn arguments, one a word
extra=(${FERRY_MVN_ARGS:-})

ensure_packages build mariadb
say "building (mvn install, no tests)"
mvn -B -ntp -q "${extra[@]}" install -DskipTests

out=ferry-it/target/kafka-kill-soak
mkdir -p "$out"
say "kafka kill soak: $kills kill(s), seed $seed"
start=$(date +%s)
status=0
if ! mvn -B -ntp "${extra[@]}" -pl ferry-it test -Dtest=KafkaKillTest \
    -Dsurefire.failIfNoSpecifiedTests=false "-Dferry.kafka.kills=$kills" \
    "-Dferry.kafka.seed=$seed" > "$out/run-$seed.log" 2>&1; then
  status=1
fi
reports=ferry-it/target/surefire-reports
cat "$reports/io.ferry.it.KafkaKillTest-output.txt" "$reports/io.ferry.it.KafkaKillTest.txt" \
  > "$out/report-$seed.txt" 2>/dev/null || true
grep -h '^kafka kill test\|Tests run:\|AssertionError' -A3 "$out/report-$seed.txt" | head -30 || true
echo "soak took $(( $(date +%s) - start )) s"
exit "$status"
