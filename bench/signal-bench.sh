#!/usr/bin/env bash
# Signalling server capacity (issue 4, item 7), on loopback. Our signalling server runs alone in its
# own JVM (dev.peerlink.bench.SignalBenchServer: SQLite registry, mapping monitor on, default limits
# but no per-IP registration limit) pinned to SERVER_CPU; the load generator
# (dev.peerlink.bench.SignalLoadGenerator: Netty WebSocket clients on epoll, Ed25519 registration,
# heartbeats at the advertised interval) is pinned to GEN_CPU. In one run it:
#   1. ramps idle registered devices up to the open-file limit (both processes get the hard limit);
#   2. reports heap after a full GC (jcmd GC.run + GC.heap_info) and VmRSS per device against the
#      baseline taken before the ramp, and the server's CPU over an IDLE-second window of heartbeats;
#   3. pushes OVERFLOW more devices from a second process and checks that the server refuses them
#      cleanly and keeps serving (pinging, brokering) the devices it holds;
#   4. brokers connect requests between registered pairs (auto-accept) for CONNECT_SECONDS with WINDOW
#      outstanding: round trips/s and p50/p99 latency.
# There is no standard signalling server to compare with (no reference run). Bounded: ~3-4 minutes.
#
#   bench/signal-bench.sh                           # to the open-file limit, 60 s heartbeat (the default), 60 s idle window
#   DEVICES=2000 IDLE=20 CONNECT_SECONDS=10 bench/signal-bench.sh
#   TAG=quiet bench/signal-bench.sh                 # raw output to bench/results/signal-bench-quiet.txt
#
# Environment: DEVICES (cap, default: the limit), HEARTBEAT (s, server), IDLE (s), OVERFLOW, CONNECT_SECONDS,
# WINDOW, INFLIGHT (registrations at once), SERVER_CPU, GEN_CPU (taskset), SERVER_JVM_OPTS, GEN_JVM_OPTS, TAG,
# OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

DEVICES=${DEVICES:-1000000}
HEARTBEAT=${HEARTBEAT:-60}
IDLE=${IDLE:-60}
OVERFLOW=${OVERFLOW:-500}
CONNECT_SECONDS=${CONNECT_SECONDS:-20}
WINDOW=${WINDOW:-64}
INFLIGHT=${INFLIGHT:-200}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
TAG=${TAG:-run}
JVM_COMMON="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-$JVM_COMMON -Xmx1g}
GEN_JVM_OPTS=${GEN_JVM_OPTS:-$JVM_COMMON -Xmx1g}

# Every socket is a descriptor: let the server (and the generator) use the whole hard limit.
ulimit -n "$(ulimit -Hn)"

BENCH_NAME=signal-bench
. "$root/bench/lib.sh"
build_bench_classpath
# the reactor's fresh classes first (the local repository may hold older snapshots of the sibling modules)
cp="$root/peerlink-bench/target/classes:$root/peerlink-server/target/classes:$root/peerlink-protocol/target/classes:$cp"
mkdir -p "$root/bench/results"
out="$root/bench/results/signal-bench-$TAG.txt"
exec > >(tee "$out") 2>&1

echo "== machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); open files $(ulimit -Sn) soft / $(ulimit -Hn) hard"
echo "== other busy processes at start (they compete for the same cores):"
ps -eo pid,pcpu,etime,comm --sort=-pcpu | awk 'NR>1 && $2>5.0' | head -5 || true
port=$(free_port)
echo "== server on 127.0.0.1:$port (CPU $SERVER_CPU): java $SERVER_JVM_OPTS dev.peerlink.bench.SignalBenchServer $port DATA $HEARTBEAT"
# shellcheck disable=SC2086
taskset -c "$SERVER_CPU" java $SERVER_JVM_OPTS -cp "$cp" dev.peerlink.bench.SignalBenchServer "$port" "$work/data" "$HEARTBEAT" \
    >"$work/server.log" 2>&1 &
spid=$!
pids+=("$spid")
wait_ready "$work/server.log" "$spid"
url=$(sed -n 's/.*READY url=\([^ ]*\).*/\1/p' "$work/server.log")
sleep 2 # let start-up settle before the baseline

gen_args=(--devices "$DEVICES" --idle "$IDLE" --overflow "$OVERFLOW" --connect-seconds "$CONNECT_SECONDS" --window "$WINDOW"
          --inflight "$INFLIGHT")
echo "== load (generator on CPU $GEN_CPU): SignalLoadGenerator $url $spid ${gen_args[*]}"
# shellcheck disable=SC2086
timeout 900 taskset -c "$GEN_CPU" java $GEN_JVM_OPTS -cp "$cp" dev.peerlink.bench.SignalLoadGenerator "$url" "$spid" "${gen_args[@]}" \
    || echo "signal-bench: generator exited with $?"

echo "== server after the run: $(kill -0 "$spid" 2>/dev/null && echo alive || echo DEAD), $(ls /proc/"$spid"/fd 2>/dev/null | wc -l) open files"
echo "== server log: $(wc -l <"$work/server.log") lines, $(grep -c WARN "$work/server.log" || true) WARN, $(grep -c ERROR "$work/server.log" || true) ERROR; distinct warnings/errors:"
grep -E "WARN|ERROR" "$work/server.log" | sed -E 's/^[0-9:.]+ //' | sort | uniq -c | sort -rn | head -10 || true
kill "$spid" 2>/dev/null || true
wait "$spid" 2>/dev/null || true
grep "^stats" "$work/server.log" || true
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $out"
