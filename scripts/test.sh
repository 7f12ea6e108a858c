#!/usr/bin/env bash
# Runs every Ferry test on real, sandboxed database servers. Installs what the tests need first
# (Java 17, Maven, MariaDB, PostgreSQL; Debian packages, only those missing), then runs the
# whole Maven build with its checks (compiler warnings as errors, Error Prone, formatting,
# layering) and tests, checks the built launcher, and prints a summary of the test results.
#   Usage: scripts/test.sh [extra mvn arguments, e.g. -pl ferry-sandbox -am]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

ensure_packages build mariadb postgresql sysbench

start=$(date +%s)
status=0
say "mvn verify (build, static checks, all tests)"
mvn -B -ntp verify "$@" || status=$?

if [ "$status" = 0 ]; then
  say "launcher smoke test: ferry-dist/target/ferry/bin/ferry --version"
  ferry-dist/target/ferry/bin/ferry --version
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
echo "elapsed: $(( $(date +%s) - start )) s"
if [ "$status" != 0 ]; then
  echo "FAILED (mvn exit status $status); see the module's target/surefire-reports/ for details" >&2
fi
exit "$status"
