#!/usr/bin/env bash
# Issue 18's measurement of two-sided birthday punching between two random symmetric NATs on the real-NAT test bed
# (root, nftables, iproute2): the raw mechanism (PredictSide with random targets, no QUIC, one JVM per side) between
# c-sym and c-sym#1, first on a bed whose symmetric routers use R = 256 ports (theory measurable), then on the real
# range. Runs dev.peerlink.it.TwoSidedBirthdayBenchOnTestBedTest (tag "bench", never part of ./test.sh); builds into
# target/ only (no mvn install). Run it under `flock /tmp/peerlink-bed.lock` when others use the bed.
#
#   bench/two-sided-birthday-bench.sh
#   TRIALS=100 FULL_RANGE_TRIALS=50 bench/two-sided-birthday-bench.sh
#
# Environment: TRIALS (200, per small-range setting), FULL_RANGE_TRIALS (100; 0 skips the real range), FLUSH
# (true: flush both routers' conntrack before every trial, when the conntrack tool is installed), OUT (result file, default
# bench/results/two-sided-birthday-<date>.txt), OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

[ "$(id -u)" = 0 ] || { echo "two-sided-birthday-bench: needs root (network namespaces, nftables)" >&2; exit 1; }
mkdir -p bench/results
OUT=${OUT:-$root/bench/results/two-sided-birthday-$(date +%Y-%m-%d-%H%M).txt}
{
  echo "# bench/two-sided-birthday-bench.sh $(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "# machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT"
log="$(mktemp /tmp/two-sided-birthday-bench-mvn.XXXXXX.log)"
echo "two-sided-birthday-bench: building and running (Maven log $log, results to $OUT)"
rc=0
mvn -B -ntp ${OFFLINE:+-o} -pl peerlink-it -am test -Dpeerlink.bench \
    -Dtest=TwoSidedBirthdayBenchOnTestBedTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dpeerlink.bench.trials="${TRIALS:-200}" -Dpeerlink.bench.fullRangeTrials="${FULL_RANGE_TRIALS:-100}" \
    -Dpeerlink.bench.flush="${FLUSH:-true}" \
    -Dpeerlink.bench.out="$OUT" > "$log" 2>&1 || rc=$?
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"
cat "$OUT"
if [ "$rc" != 0 ]; then
  grep -E 'Tests run:|FAIL|ERROR|SKIPPED' "$log" | head -20 >&2
  echo "two-sided-birthday-bench: Maven failed ($rc), see $log" >&2
  exit "$rc"
fi
echo "two-sided-birthday-bench: raw results in $OUT"
