#!/usr/bin/env bash
# Signalling connect time (issue 15 item 6): how long SignallingClient takes from start() to the server's
# `registered` answer, for the first client of a fresh JVM (cold) and for WARM clients after it (warm p50/p90),
# against a bare TCP connect to the same port in the same JVM (the reference: the floor of any opening).
# The server (dev.peerlink.bench.SignalBenchServer) runs in its own JVM on loopback; the client JVM
# (dev.peerlink.bench.SignalConnectTime) is started RUNS times. Bounded: well under a minute.
#
#   bench/signal-connect-bench.sh                  # RUNS=5 WARM=50
#   TAG=netty RUNS=10 bench/signal-connect-bench.sh  # raw output to bench/results/signal-connect-netty.txt
#
# Environment: RUNS, WARM, TAG, OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

RUNS=${RUNS:-5}
WARM=${WARM:-50}
TAG=${TAG:-run}
JVM_OPTS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"

BENCH_NAME=signal-connect-bench
. "$root/bench/lib.sh"
build_bench_classpath
# the reactor's fresh classes first (the local repository may hold older snapshots of the sibling modules)
for m in peerlink-peer peerlink-server peerlink-protocol; do cp="$root/$m/target/classes:$cp"; done
mkdir -p "$root/bench/results"
out="$root/bench/results/signal-connect-$TAG.txt"
exec > >(tee "$out") 2>&1

echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
port=$(free_port)
# shellcheck disable=SC2086
java $JVM_OPTS -cp "$cp" dev.peerlink.bench.SignalBenchServer "$port" "$work/data" 25 >"$work/server.log" 2>&1 &
spid=$!
pids+=("$spid")
wait_ready "$work/server.log" "$spid" >/dev/null
url=$(sed -n 's/.*READY url=\([^ ]*\).*/\1/p' "$work/server.log")
# one throw-away client JVM so the server's own first registration (JIT, SQLite) is not charged to run 1
java $JVM_OPTS -cp "$cp" dev.peerlink.bench.SignalConnectTime "$url" 5 >/dev/null
for i in $(seq "$RUNS"); do
  # shellcheck disable=SC2086
  echo "run $i: $(java $JVM_OPTS -cp "$cp" dev.peerlink.bench.SignalConnectTime "$url" "$WARM" | grep "^cold_ms") load $(cut -d' ' -f1 /proc/loadavg)"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
