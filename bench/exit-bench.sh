#!/usr/bin/env bash
# Issue 13's benchmarks on the real-NAT bed (root, nftables, iproute2, curl, python3, openssl), through the real CLI:
# two `peerlink share offer` providers (full-cone: direct path; port-restricted: relayed from the symmetric requester),
# one `peerlink share use --providers 2`, a python web server on the bed's public side.
#   1. bulk throughput of MB MiB through the SOCKS5 proxy vs curl run directly on the exit provider's host (ratio),
#      and the provider JVM's CPU seconds per Gbit forwarded (utime + stime from /proc/PID/stat);
#   2. time to first byte of a 1 KiB body through the proxy vs direct from the provider host (median of TTFB_N);
#   3. failover: KILLS rounds of SIGKILL to the current exit's provider during a loop of curl --max-time LOOP_MAX
#      requests: time to the requester's exit event and to the first successful new request (median, min, max).
# Runs dev.peerlink.it.ExitBenchOnTestBedTest (tag "bench", never part of ./test.sh). Builds the reactor modules it
# needs into their target/ directories only (no mvn install). Results: bench/results/exit-bench-<TAG>.txt.
#
#   bench/exit-bench.sh
#   TAG=quiet MB=500 KILLS=10 bench/exit-bench.sh
#   JVM_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' bench/exit-bench.sh   # client-VM flags, as the system tests
#
# Environment: MB (200), KILLS (5), TTFB_N (10), LOOP_MAX (0.5 s), JVM_OPTS (extra options for every peerlink JVM;
# default none, i.e. what ./peerlink runs: tiered C2 and G1), TAG (date-time), OUT (result file), OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

[ "$(id -u)" = 0 ] || { echo "exit-bench: needs root (network namespaces, nftables)" >&2; exit 1; }
for tool in ip nft curl /usr/bin/python3 openssl; do
  command -v "$tool" >/dev/null || { echo "exit-bench: needs $tool" >&2; exit 1; }
done

MB=${MB:-200}
KILLS=${KILLS:-5}
TTFB_N=${TTFB_N:-10}
LOOP_MAX=${LOOP_MAX:-0.5}
JVM_OPTS=${JVM_OPTS:-}
TAG=${TAG:-$(date +%Y-%m-%d-%H%M)}
mkdir -p bench/results
OUT=${OUT:-$root/bench/results/exit-bench-$TAG.txt}

{
  echo "# bench/exit-bench.sh $(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "# machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(curl --version | head -1 | cut -d' ' -f1-2), $(/usr/bin/python3 --version)"
  echo "# other busy processes at start (they share the same cores):"
  ps -eo pid,pcpu,etime,comm --sort=-pcpu | awk 'NR>1 && $2>5.0' | head -5 | sed 's/^/#   /' || true
} > "$OUT"

log="$(mktemp /tmp/exit-bench-mvn.XXXXXX.log)"
echo "exit-bench: building and running (Maven log $log, results to $OUT)"
rc=0
mvn -B -ntp ${OFFLINE:+-o} -pl peerlink-it -am test -Dpeerlink.bench \
    -Dtest=ExitBenchOnTestBedTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dpeerlink.bench.mb="$MB" -Dpeerlink.bench.kills="$KILLS" -Dpeerlink.bench.ttfb="$TTFB_N" \
    -Dpeerlink.bench.loopmax="$LOOP_MAX" -Dpeerlink.bench.jvm="$JVM_OPTS" -Dpeerlink.bench.out="$OUT" > "$log" 2>&1 || rc=$?
cat "$OUT"
if [ "$rc" != 0 ]; then
  grep -E 'Tests run:|FAIL|ERROR|SKIPPED' "$log" | head -20 >&2
  echo "exit-bench: Maven failed ($rc), see $log" >&2
  exit "$rc"
fi
grep -q 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0' "$log" \
  || { grep -E 'Tests run:|SKIPPED' "$log" >&2; echo "exit-bench: the bench did not run (see $log)" >&2; exit 1; }
echo "exit-bench: raw results in $OUT"
