#!/usr/bin/env bash
# Runs every Ferry test on real, sandboxed database servers. Installs what the tests need first
# (Java 17, Maven, MariaDB, PostgreSQL; Debian packages, only those missing), then runs the
# whole Maven build with its checks (compiler warnings as errors, Error Prone, formatting,
# layering) and tests, checks the built launcher, runs the quickstart (scripts/quickstart.sh, the
# README's main job) on a sandbox of its own, and prints a summary of the test results.
#   Usage: scripts/test.sh [extra mvn arguments, e.g. -pl ferry-sandbox -am]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

ensure_packages build mariadb postgresql sysbench chromium

start=$(date +%s)
status=0
say "mvn verify (build, static checks, all tests)"
mvn -B -ntp verify "$@" || status=$?

if [ "$status" = 0 ]; then
  say "launcher smoke test: ferry-dist/target/ferry/bin/ferry --version"
  ferry-dist/target/ferry/bin/ferry --version
  # the whole build is fresh: ./ferry need not build it again
  if [ $# = 0 ]; then touch ferry-dist/target/.ferry-built; fi
fi

# The README's main job and its batch-replication recipe, end to end, as written, in directories
# of their own (only for a whole run).
if [ "$status" = 0 ] && [ $# = 0 ]; then
  say "the quickstart and the README's batch recipe, as a test"
  qs=$(mktemp -d /tmp/ferry-quickstart-test.XXXXXX)
  qs_cleanup() {
    FERRY_CONFIG_DIR=$qs/conf ./ferry replicator stop >/dev/null 2>&1 || true
    FERRY_SANDBOX_HOME=$qs/sandboxes ./ferry sandbox destroy quickstart >/dev/null 2>&1 || true
    FERRY_SANDBOX_HOME=$qs/sandboxes ./ferry sandbox destroy quickstart_pg >/dev/null 2>&1 || true
    rm -rf "$qs"
  }
  trap qs_cleanup EXIT
  recipe=$(awk '/<!-- batch-recipe -->/ {on = 1; next} on && /^```$/ {if (in_block) exit; in_block = 1; next} in_block' README.md)
  if ! FERRY_QUICKSTART_DIR=$qs FERRY_SANDBOX_HOME=$qs/sandboxes ./scripts/quickstart.sh; then
    status=1
  elif ! out=$(FERRY_CONFIG_DIR=$qs/conf FERRY_SANDBOX_HOME=$qs/sandboxes bash -euo pipefail -c "$recipe" 2>&1) \
      || ! grep -q canoe <<<"$out"; then
    echo "$out"
    echo "the README's batch recipe failed" >&2
    status=1
  else
    echo "$out"
  fi
  if [ "$status" != 0 ]; then
    echo "the replicator's log:" >&2
    tail -n 40 "$qs/conf/logs/replicator.log" >&2 || true
  fi
  qs_cleanup
  trap - EXIT
fi

say "test summary"
reports=$(find . -path '*/target/surefire-reports/TEST-*.xml' -newermt "@$start" 2>/dev/null || true)
if [ -n "$reports" ]; then
  # shellcheck disable=SC2086 # one file name per word
  awk '
    /<testsuite / {
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^tests=/)    { gsub(/[^0-9]/, "", $i); t += $i }
        if ($i ~ /^failures=/) { gsub(/[^0-9]/, "", $i); f += $i }
        if ($i ~ /^errors=/)   { gsub(/[^0-9]/, "", $i); e += $i }
        if ($i ~ /^skipped=/)  { gsub(/[^0-9]/, "", $i); s += $i }
      }
      n++
    }
    END { printf "%d test classes, %d tests: %d failures, %d errors, %d skipped\n", n, t, f, e, s }
  ' $reports
fi
if [ -f ferry-it/target/console.png ]; then
  echo "the web console as the test saw it (a build artifact): ferry-it/target/console.png"
fi
echo "elapsed: $(( $(date +%s) - start )) s"
if [ "$status" != 0 ]; then
  echo "FAILED (mvn exit status $status); see the module's target/surefire-reports/ for details" >&2
fi
exit "$status"
