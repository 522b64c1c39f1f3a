#!/usr/bin/env bash
# Issue 15 item 5: ms from the start of a `peerlink connect` process to its first byte, on a cone pair of the bed, for a
# new device (first contact) and a known one (NAT report cached), with and without the launcher's AppCDS archive.
# Runs dev.peerlink.it.ConnectTimeBenchOnTestBedTest (tag "bench", never part of ./test.sh) under the bed lock.
#
#   bench/connect-time-bench.sh          N=20 bench/connect-time-bench.sh
#
# Environment: N (10), OUT (result file), OFFLINE=1 (mvn -o), LOCKED=1 (the caller holds /tmp/peerlink-bed.lock).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk
[ "$(id -u)" = 0 ] || { echo "connect-time-bench: needs root (network namespaces, nftables)" >&2; exit 1; }
N=${N:-10}
mkdir -p bench/results
OUT=${OUT:-$root/bench/results/connect-time-$(date +%Y-%m-%d-%H%M).txt}
echo "# bench/connect-time-bench.sh $(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT"
log="$(mktemp /tmp/connect-time-bench-mvn.XXXXXX.log)"
echo "connect-time-bench: building and running (Maven log $log, results to $OUT)"
# The launcher runs the jar: build it now, and run a copy of launcher and jar (no sources beside it, so edits made while
# the bench waits for the bed never make it rebuild inside the bed's namespaces).
mvn -B -ntp -q ${OFFLINE:+-o} -pl peerlink-cli -am package -DskipTests > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
snap="$(mktemp -d /tmp/connect-time-bench.XXXXXX)"
trap 'rm -rf "$snap"' EXIT
mkdir -p "$snap/scripts" "$snap/peerlink-cli/target"
cp peerlink "$snap/"
cp scripts/env.sh "$snap/scripts/"
cp peerlink-cli/target/peerlink.jar "$snap/peerlink-cli/target/"
rc=0
# the bed is shared: run under its lock, unless the caller holds it already (LOCKED=1)
lock="flock /tmp/peerlink-bed.lock"
[ "${LOCKED:-0}" = 1 ] && lock=""
$lock mvn -B -ntp ${OFFLINE:+-o} -pl peerlink-it -am test -Dpeerlink.bench \
    -Dtest=ConnectTimeBenchOnTestBedTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dpeerlink.bench.n="$N" -Dpeerlink.bench.out="$OUT" -Dpeerlink.bench.launcher="$snap/peerlink" >> "$log" 2>&1 || rc=$?
cat "$OUT"
if [ "$rc" != 0 ]; then
  grep -E 'Tests run:|FAIL|ERROR|SKIPPED' "$log" | head -20 >&2
  echo "connect-time-bench: Maven failed ($rc), see $log" >&2
  exit "$rc"
fi
grep -q 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0' "$log" \
  || { grep -E 'Tests run:|SKIPPED' "$log" >&2; echo "connect-time-bench: the bench did not run (see $log)" >&2; exit 1; }
