#!/usr/bin/env bash
# Issue 4's benchmarks on the real-NAT matrix bed (root, nftables, iproute2, iperf3), through the real CLI:
#   1. connection setup time per ladder path: N `peerlink connect` runs per representative pair (+1 warm-up round),
#      median/p95 of the ladder's setupMs and of the whole process's wall time;
#   2. bulk throughput: MB MiB one way with `peerlink connect < file` to `peerlink peer > /dev/null`, direct (TLS/TCP),
#      punched (QUIC) and relayed (TURN in the server), against iperf3 TCP on the same hosts in the same run
#      (relay: against iperf3 over the relay's two legs, initiator -> server and server -> target).
# Runs dev.peerlink.it.LadderBenchOnTestBedTest (tag "bench", never part of ./test.sh). Builds the reactor modules it
# needs into their target/ directories only (no mvn install). Raw results: bench/results/ladder-<date>.txt.
#
#   bench/ladder-bench.sh
#   N=20 MB=500 bench/ladder-bench.sh
#   PARTS=setup N=5 bench/ladder-bench.sh
#   JVM_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' bench/ladder-bench.sh   # client-VM flags, as the system tests
#
# Environment: N (10), MB (200), PARTS (setup,bulk), JVM_OPTS (extra options for every peerlink JVM; default none,
# i.e. what ./peerlink runs: tiered C2 and G1), OUT (result file), OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

[ "$(id -u)" = 0 ] || { echo "ladder-bench: needs root (network namespaces, nftables)" >&2; exit 1; }
for tool in ip nft iperf3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "ladder-bench: needs $tool" >&2; exit 1; }
done

N=${N:-10}
MB=${MB:-200}
PARTS=${PARTS:-setup,bulk}
JVM_OPTS=${JVM_OPTS:-}
mkdir -p bench/results
OUT=${OUT:-$root/bench/results/ladder-$(date +%Y-%m-%d-%H%M).txt}

{
  echo "# bench/ladder-bench.sh $(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "# machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), iperf3: $(iperf3 --version | head -1)"
  echo "# other busy processes at start (they share the same cores):"
  ps -eo pid,pcpu,etime,comm --sort=-pcpu | awk 'NR>1 && $2>5.0' | head -5 | sed 's/^/#   /' || true
} > "$OUT"

log="$(mktemp /tmp/ladder-bench-mvn.XXXXXX.log)"
echo "ladder-bench: building and running (Maven log $log, results to $OUT)"
rc=0
mvn -B -ntp ${OFFLINE:+-o} -pl peerlink-it -am test -Dpeerlink.bench \
    -Dtest=LadderBenchOnTestBedTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dpeerlink.bench.n="$N" -Dpeerlink.bench.mb="$MB" -Dpeerlink.bench.parts="$PARTS" \
    -Dpeerlink.bench.jvm="$JVM_OPTS" -Dpeerlink.bench.out="$OUT" > "$log" 2>&1 || rc=$?
cat "$OUT"
if [ "$rc" != 0 ]; then
  grep -E 'Tests run:|FAIL|ERROR|SKIPPED' "$log" | head -20 >&2
  echo "ladder-bench: Maven failed ($rc), see $log" >&2
  exit "$rc"
fi
grep -q 'Tests run: 2, Failures: 0, Errors: 0, Skipped: 0' "$log" \
  || { grep -E 'Tests run:|SKIPPED' "$log" >&2; echo "ladder-bench: the bench did not run (see $log)" >&2; exit 1; }
echo "ladder-bench: raw results in $OUT"
