#!/usr/bin/env bash
# Cluster capacity (issue 16): INSTANCES signalling instances (dev.peerlink.bench.ClusterBenchServer: cluster mode on
# one throw-away redis-server and PostgreSQL, dev.peerlink.bench.ClusterBackends) each loaded by its own generator
# process (dev.peerlink.bench.SignalLoadGenerator, PER devices with an id range of its own; every process here is
# limited to 20,000 open files, so 100,000 devices need several of each). In one run:
#   1. all generators ramp at once: idle registered devices across the instances (registrations go to PostgreSQL);
#   2. heap after a full GC and VmRSS per device on each instance, heartbeat CPU over an IDLE-second window;
#   3. once every generator is idle (a gate file), each generator's devices connect into the NEXT generator's devices
#      (always cross-instance: presence GET + two PUBLISH per connect) for CONNECT_SECONDS: brokered/s and p50/p99 per
#      instance, their sum, and Redis's own commands/s in the same window (total_commands_processed sampled each second).
# Same-instance vs cross-instance added latency is bench/cluster-connect-bench.sh. Bounded: about 5-8 minutes.
#
#   bench/cluster-bench.sh                                 # 6 instances x 17,000 devices = 102,000
#   INSTANCES=2 PER=2000 IDLE=10 CONNECT_SECONDS=10 bench/cluster-bench.sh   # a quick look
#   CROSS=0 bench/cluster-bench.sh               # the reference: each generator connects within its own instance
#
#   PAIRS=500 WARMUP=15 bench/cluster-bench.sh   # warm registry caches: 500 initiators each, a 15 s warm-up first
#
# Environment: INSTANCES, PER, HEARTBEAT (s), IDLE (s), CONNECT_SECONDS, WINDOW (outstanding connects per generator),
# PAIRS, WARMUP (s), CROSS,
# INFLIGHT, SERVER_JVM_OPTS, GEN_JVM_OPTS, TAG, OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

INSTANCES=${INSTANCES:-6}
PER=${PER:-17000}
HEARTBEAT=${HEARTBEAT:-60}
IDLE=${IDLE:-60}
CONNECT_SECONDS=${CONNECT_SECONDS:-20}
WINDOW=${WINDOW:-32}
INFLIGHT=${INFLIGHT:-100}
CROSS=${CROSS:-1}
PAIRS=${PAIRS:-0}   # only the first PAIRS devices of each generator initiate (0: all; every target is then new to the instance)
WARMUP=${WARMUP:-2}
TAG=${TAG:-run}
JVM_COMMON="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-$JVM_COMMON -Xmx1g -XX:+UseSerialGC}
GEN_JVM_OPTS=${GEN_JVM_OPTS:-$JVM_COMMON -Xmx768m -XX:+UseSerialGC}
ulimit -n 20000 2>/dev/null || true # the limit the issue sets per process (it is also this machine's hard limit)

BENCH_NAME=cluster-bench
. "$root/bench/lib.sh"
build_bench_classpath
for m in peerlink-bench peerlink-server peerlink-protocol peerlink-cluster peerlink-testkit; do cp="$root/$m/target/classes:$cp"; done
mkdir -p "$root/bench/results"
out="$root/bench/results/cluster-bench-$TAG.txt"
exec > >(tee "$out") 2>&1

echo "== machine: $(nproc) CPUs, $(free -g | awk '/Mem/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg); open files $(ulimit -Sn); commit $(git rev-parse --short HEAD)"
echo "== $INSTANCES instances x $PER devices = $((INSTANCES * PER)); heartbeat ${HEARTBEAT}s, idle window ${IDLE}s, connects ${CONNECT_SECONDS}s (window $WINDOW each)"
# shellcheck disable=SC2086
java $JVM_COMMON -cp "$cp" dev.peerlink.bench.ClusterBackends >"$work/backends.log" 2>&1 &
bpid=$!
pids+=("$bpid")
wait_ready "$work/backends.log" "$bpid" >/dev/null
redis=$(sed -n 's/.*READY redis=\([^ ]*\).*/\1/p' "$work/backends.log")
redis_port=$(sed -n 's/.* redis_port=\([0-9]*\).*/\1/p' "$work/backends.log")
jdbc=$(sed -n 's/.* jdbc=\([^ ]*\).*/\1/p' "$work/backends.log")
user=$(sed -n 's/.* user=\([^ ]*\).*/\1/p' "$work/backends.log")
echo "== backends: $redis, $jdbc"

urls=(); spids=()
for i in $(seq 1 "$INSTANCES"); do
  port=$(free_port)
  # shellcheck disable=SC2086
  java $SERVER_JVM_OPTS -cp "$cp" dev.peerlink.bench.ClusterBenchServer "$port" "$redis" "$jdbc" "$user" "bench-$i" "$HEARTBEAT" \
      >"$work/server-$i.log" 2>&1 &
  spids+=($!); pids+=($!)
done
for i in $(seq 1 "$INSTANCES"); do
  wait_ready "$work/server-$i.log" "${spids[$((i - 1))]}" >/dev/null
  urls+=("$(sed -n 's/.*READY url=\([^ ]*\).*/\1/p' "$work/server-$i.log")")
done
echo "== instances: ${urls[*]}"
sleep 2 # let start-up settle before the baselines

gate="$work/connect-gate"
gpids=()
t0=$(date +%s)
for i in $(seq 1 "$INSTANCES"); do
  base=$(( i * 1000000 ))
  next=$(( (i % INSTANCES + 1) * 1000000 ))
  [ "$CROSS" = 1 ] || next=$base
  # shellcheck disable=SC2086
  timeout 1200 java $GEN_JVM_OPTS -cp "$cp" dev.peerlink.bench.SignalLoadGenerator "${urls[$((i - 1))]}" "${spids[$((i - 1))]}" \
      --devices "$PER" --base "$base" --inflight "$INFLIGHT" --idle "$IDLE" --overflow 0 --connect-seconds "$CONNECT_SECONDS" \
      --window "$WINDOW" --threads 1 --connect-to-base "$next" --connect-gate "$gate" --connect-pairs "$PAIRS" --warmup "$WARMUP" >"$work/gen-$i.log" 2>&1 &
  gpids+=($!); pids+=($!)
done
# open the gate once every generator waits at it (or has died)
while :; do
  waiting=0
  for i in $(seq 1 "$INSTANCES"); do
    if grep -q "^GATE" "$work/gen-$i.log" || ! kill -0 "${gpids[$((i - 1))]}" 2>/dev/null; then waiting=$((waiting + 1)); fi
  done
  [ "$waiting" -eq "$INSTANCES" ] && break
  sleep 1
done
echo "== all generators idle after $(( $(date +%s) - t0 )) s; connecting $([ "$CROSS" = 1 ] && echo "across instances" || echo "within each instance (reference)")"
: >"$work/redis-samples"
( while :; do
    printf '%s %s\n' "$(date +%s%3N)" "$(redis-cli -p "$redis_port" info stats | sed -n 's/^total_commands_processed:\([0-9]*\).*/\1/p')"
    sleep 1
  done >>"$work/redis-samples" ) &
sampler=$!
pids+=("$sampler")
touch "$gate"
for p in "${gpids[@]}"; do wait "$p" || echo "cluster-bench: a generator exited with $?"; done
kill "$sampler" 2>/dev/null || true

echo "== per instance (generator output):"
for i in $(seq 1 "$INSTANCES"); do
  echo "-- instance $i (${urls[$((i - 1))]})"
  grep -E "^(held|memory|idle|connect|RESULT|end)" "$work/gen-$i.log" | sed 's/^/   /'
done
# Redis commands/s over the connect phase: from the earliest CONNECT-START to the latest CONNECT-END
start=$(grep -h "^CONNECT-START" "$work"/gen-*.log | awk '{print $2}' | sort -n | head -1)
end=$(grep -h "^CONNECT-END" "$work"/gen-*.log | awk '{print $2}' | sort -n | tail -1)
python3 - "$work/redis-samples" "${start:-0}" "${end:-0}" "$work" "$INSTANCES" <<'PY'
import sys, glob, re
samples=[tuple(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 2]
start, end, work, k = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
res = {}
for f in sorted(glob.glob(work + "/gen-*.log")):
    for line in open(f):
        if line.startswith("RESULT"):
            for kv in line.split()[1:]:
                key, v = kv.split("=")
                res.setdefault(key, []).append(float(v))
def s(key): return sum(res.get(key, []))
def avg(key): v = res.get(key, []); return sum(v) / len(v) if v else 0
print("== total: %d devices held across %d instances; heap/device %.0f B, RSS/device %.0f B (mean of instances); "
      "heartbeat CPU %.2f %% of a core per instance (mean), %.0f heartbeats/s in all"
      % (s("devices"), k, avg("heap_per_device_B"), avg("rss_per_device_B"), avg("heartbeat_cpu_pct"), s("heartbeats_per_s")))
if "connects_per_s" in res:
    print("== connects: %.0f brokered/s in all (%s per instance); p50 %.2f ms p99 %.2f ms (worst instance)"
          % (s("connects_per_s"), ", ".join("%.0f" % x for x in res["connects_per_s"]), max(res["p50_ms"]), max(res["p99_ms"])))
win = [x for x in samples if start <= x[0] <= end]
if len(win) >= 2:
    ops = (win[-1][1] - win[0][1]) / ((win[-1][0] - win[0][0]) / 1000)
    # (a connect through Redis is 1 GET + 2 PUBLISH; connects refused early or left unanswered are not in the
    # generators' count, heartbeats (one SET each) are in Redis's: bench/cluster-connect-bench.sh isolates the ratio)
    print("== redis: %.0f commands/s during the connect phase, heartbeat SETs included" % ops)
PY
echo "== redis's own limit here, the reference (redis-benchmark GET/SET, 50 clients, no pipelining, same machine now):"
redis-benchmark -p "$redis_port" -q -n 200000 -c 50 -t get,set 2>/dev/null | tr '\r' '\n' | grep -E "requests per second" | sed 's/^/   /' || true
for i in $(seq 1 "$INSTANCES"); do
  echo "== instance $i log: $(grep -c WARN "$work/server-$i.log" || true) WARN, $(grep -c ERROR "$work/server-$i.log" || true) ERROR"
  grep -E "WARN|ERROR" "$work/server-$i.log" | sed -E 's/^[0-9:.]+ //' | sort | uniq -c | sort -rn | head -3 || true
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $out"
