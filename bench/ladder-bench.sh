#!/usr/bin/env bash
# Issues 4 and 15: the data plane and connection setup on the real-NAT matrix bed (root, nftables, iproute2, iperf3),
# through the real CLI (./peerlink by default), each figure beside its reference measured in the same run:
#   connect: time from spawning `peerlink connect` to its "connected" line and to the first byte received (an echo),
#            median/p95 over N runs, port-restricted cone pair: known network (device and data dir kept; the first
#            run is not counted) and first contact (new device and data dir each run). Goal: known < 1 s.
#   bulk:    per path, direct (TLS/TCP), punch and birthday (QUIC), relay (QUIC through the server's TURN relay):
#            MB MiB one way (`connect < file` -> `peer > /dev/null`) and both ways at once (`peer --send` a file as
#            large back), MB/s beside iperf3 TCP on the same hosts (QUIC paths, one way: also iperf3 UDP -b 0 -l 1400
#            -w 4M, delivered rate and loss; relay: the slower of its two legs), ratio and issue 15's goal (direct >= 0.5x TCP;
#            punch/birthday >= 0.3x TCP and >= 0.8x UDP; relay >= 0.25x the slower leg), CPU seconds per GB on each end
#            (connect, target peer, server; iperf3's too); then the same with LOSS % random loss on the target's link.
#   setup:   (on request) per ladder path, N connect runs: median/p95 of the ladder's setupMs and of the wall time.
# Runs dev.peerlink.it.LadderBenchOnTestBedTest (tag "bench", never part of ./test.sh), under
# `flock /tmp/peerlink-bed.lock` so that two bed benchmarks never overlap. Builds the reactor into the modules'
# target/ directories only (no mvn install). Raw results: bench/results/ladder-<date>.txt. Defaults take ~15 min.
#
#   bench/ladder-bench.sh
#   MB=100 LOSS_MB=50 N=5 bench/ladder-bench.sh          # a quick run
#   PARTS=connect N=20 bench/ladder-bench.sh
#   LOSS=0 PARTS=bulk bench/ladder-bench.sh
#   LOSS=0 PARTS=bulk PATHS=relay bench/ladder-bench.sh   # the relay path alone, beside its two iperf3 legs
#
# Environment: N (10), MB (1024: MiB per direction at zero loss), LOSS_MB (128: MiB per direction with loss, so that
# the defaults stay within ~15 min), LOSS (0,1,5: percent), PARTS (connect,bulk; also setup), PATHS (bulk paths:
# direct,punch,birthday,relay), IPERF_SECONDS (5),
# LAUNCHER (script: ./peerlink as a user runs it — do not edit sources during such a run, ./peerlink rebuilds when
# a source is newer than its jar; jar: java -jar peerlink.jar; classpath: the test classpath),
# JVM_OPTS (extra options for every peerlink JVM, through PEERLINK_JAVA_OPTS; default none: tiered C2, G1),
# OUT (result file), OFFLINE=1 (mvn -o).
#
# The secure session alone on loopback (JMH; TLS and QUIC beside plain TCP in the same run, MB/s and ratios):
#   mvn -q -pl peerlink-bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/cp \
#     && java -cp peerlink-bench/target/classes:$(cat /tmp/cp) dev.peerlink.bench.SecureSessionJmh
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
MB=${MB:-1024}
LOSS_MB=${LOSS_MB:-128}
LOSS=${LOSS:-0,1,5}
PARTS=${PARTS:-connect,bulk}
PATHS=${PATHS:-direct,punch,birthday,relay}
IPERF_SECONDS=${IPERF_SECONDS:-5}
JVM_OPTS=${JVM_OPTS:-}
case "${LAUNCHER:-script}" in
  script) launcher="$root/peerlink" ;;
  jar) launcher="$root/peerlink-cli/target/peerlink.jar" ;;
  classpath) launcher="" ;;
  *) echo "ladder-bench: LAUNCHER is script, jar or classpath" >&2; exit 1 ;;
esac
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
# package, not test: peerlink-cli's jar (what ./peerlink runs) is built before peerlink-it's tests start. Built once
# outside the bed lock, so that the run under the lock only finds nothing to compile.
mvn -B -ntp ${OFFLINE:+-o} -q -pl peerlink-it -am package -DskipTests > "$log" 2>&1 \
  || { tail -30 "$log" >&2; echo "ladder-bench: build failed, see $log" >&2; exit 1; }
rc=0
flock /tmp/peerlink-bed.lock mvn -B -ntp ${OFFLINE:+-o} -pl peerlink-it -am package -Dpeerlink.bench \
    -Dtest=LadderBenchOnTestBedTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dpeerlink.bench.n="$N" -Dpeerlink.bench.mb="$MB" -Dpeerlink.bench.lossMb="$LOSS_MB" -Dpeerlink.bench.loss="$LOSS" \
    -Dpeerlink.bench.parts="$PARTS" -Dpeerlink.bench.paths="$PATHS" -Dpeerlink.bench.iperfSeconds="$IPERF_SECONDS" \
    -Dpeerlink.bench.launcher="$launcher" -Dpeerlink.bench.jvm="$JVM_OPTS" -Dpeerlink.bench.out="$OUT" >> "$log" 2>&1 || rc=$?
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"
cat "$OUT"
if [ "$rc" != 0 ]; then
  grep -E 'Tests run:|FAIL|ERROR|SKIPPED' "$log" | head -20 >&2
  echo "ladder-bench: Maven failed ($rc), see $log" >&2
  exit "$rc"
fi
grep -q 'Tests run: 3, Failures: 0, Errors: 0, Skipped: 0' "$log" \
  || { grep -E 'Tests run:|SKIPPED' "$log" >&2; echo "ladder-bench: the bench did not run (see $log)" >&2; exit 1; }
echo "ladder-bench: raw results in $OUT"
