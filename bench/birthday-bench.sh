#!/usr/bin/env bash
# Issue 5's benchmark of birthday punching on the real-NAT test bed (root, nftables, iproute2): the raw mechanism
# (BirthdayHardSide / BirthdayEasySide, no QUIC, one JVM per side for every trial) between c-sym (behind the bed's
# SYMMETRIC router, masquerade fully-random) and c-portr (port-restricted cone), TRIALS trials for each of four (N, M)
# settings, success rate with a 95 % Wilson interval beside 1-(1-N/R)^M, time to the first hit and packets per
# success; then port prediction behind SYMMETRIC_SEQUENTIAL. Runs dev.peerlink.it.BirthdayBenchOnTestBedTest (tag
# "bench", never part of ./test.sh). Builds the reactor modules it needs into target/ only (no mvn install).
#
#   bench/birthday-bench.sh
#   TRIALS=50 PREDICT_TRIALS=20 bench/birthday-bench.sh
#
# Environment: TRIALS (200), PREDICT_TRIALS (100), FAST_RATE (probes/s for the non-default settings, 2000),
# OUT (result file, default bench/results/birthday-<date>.txt), OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

[ "$(id -u)" = 0 ] || { echo "birthday-bench: needs root (network namespaces, nftables)" >&2; exit 1; }
TRIALS=${TRIALS:-200}
PREDICT_TRIALS=${PREDICT_TRIALS:-100}
FAST_RATE=${FAST_RATE:-2000}
mkdir -p bench/results
OUT=${OUT:-$root/bench/results/birthday-$(date +%Y-%m-%d-%H%M).txt}
{
  echo "# bench/birthday-bench.sh $(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "# machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT"
log="$(mktemp /tmp/birthday-bench-mvn.XXXXXX.log)"
echo "birthday-bench: building and running (Maven log $log, results to $OUT)"
rc=0
mvn -B -ntp ${OFFLINE:+-o} -pl peerlink-it -am test -Dpeerlink.bench \
    -Dtest=BirthdayBenchOnTestBedTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dpeerlink.bench.trials="$TRIALS" -Dpeerlink.bench.predictTrials="$PREDICT_TRIALS" \
    -Dpeerlink.bench.fastRate="$FAST_RATE" -Dpeerlink.bench.out="$OUT" > "$log" 2>&1 || rc=$?
cat "$OUT"
if [ "$rc" != 0 ]; then
  grep -E 'Tests run:|FAIL|ERROR|SKIPPED' "$log" | head -20 >&2
  echo "birthday-bench: Maven failed ($rc), see $log" >&2
  exit "$rc"
fi
echo "birthday-bench: raw results in $OUT"
