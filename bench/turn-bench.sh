#!/usr/bin/env bash
# TURN relay throughput on loopback, one invocation, same load generator against:
#   peerlink     our relay (dev.peerlink.bench.TurnBenchServer, 1 IO thread)
#   coturn-1t    coturn turnserver --relay-threads 1 (its fastest setting on one pinned core)
#   coturn-dflt  coturn turnserver with its default thread count (one per CPU)
# plus iperf3 -u on loopback as the physical ceiling for one unrelayed flow.
# Servers (and the iperf3 server) are pinned to SERVER_CPU, the generator (and iperf3 client) to
# GEN_CPU, so each server gets one core and the generator never steals it. For each payload size the
# generator steps the offered rate up until loss reaches 1 %, then bisects: the knee is the highest
# offered rate with < 1 % loss. Every window records the CPU other processes used (CONTENDED > 10 %
# of a core), so runs on a shared machine can be judged. Bounded: ~4-6 minutes, stops by itself.
#
#   bench/turn-bench.sh
#   SIZES=100,1200 FLOWS=8 START=20000 FACTOR=1.5 DURATION=2.5 WARMUP=0.7 bench/turn-bench.sh
#   RATES=50000,100000 bench/turn-bench.sh     # fixed offered rates instead of the knee search
#
# Environment: SIZES, FLOWS, START, MAX, FACTOR, BISECT, WARMUP, DURATION, RATES, SERVER_CPU, GEN_CPU,
# IO_THREADS (ours), TARGETS (subset of "peerlink coturn-1t coturn-dflt"), IPERF=0 (skip), OFFLINE=1 (mvn -o),
# JVM_OPTS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

SIZES=${SIZES:-100,1200}
FLOWS=${FLOWS:-8}
START=${START:-40000}
MAX=${MAX:-2000000}
FACTOR=${FACTOR:-1.5}
BISECT=${BISECT:-2}
WARMUP=${WARMUP:-0.7}
DURATION=${DURATION:-2.5}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
IO_THREADS=${IO_THREADS:-1}
TARGETS=${TARGETS:-peerlink coturn-1t coturn-dflt}
JVM_OPTS=${JVM_OPTS:---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dio.netty.noUnsafe=false -Xms512m -Xmx512m}

for tool in turnserver taskset iperf3; do
  command -v "$tool" >/dev/null || { [ "$tool" = iperf3 ] && IPERF=0 && continue; echo "turn-bench: needs $tool" >&2; exit 1; }
done

BENCH_NAME=turn-bench
. "$root/bench/lib.sh"
build_bench_classpath

echo "== machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); net.core.rmem_max=$(sysctl -n net.core.rmem_max)"
echo "== other busy processes at start (they compete for the same cores):"
ps -eo pid,pcpu,etime,comm --sort=-pcpu | awk 'NR>1 && $2>5.0' | head -5 || true

targets=()
coturn_common=(-n --no-cli --no-tls --no-dtls --no-rfc5780 --no-software-attribute --listening-ip 127.0.0.1
               --relay-ip 127.0.0.1 --lt-cred-mech --user bench:bench --realm bench --allow-loopback-peers
               --no-multicast-peers --simple-log --no-stdout-log)
for t in $TARGETS; do
  port=$(free_port)
  case "$t" in
    peerlink)
      echo "== peerlink on 127.0.0.1:$port (CPU $SERVER_CPU, $IO_THREADS IO thread): java $JVM_OPTS dev.peerlink.bench.TurnBenchServer $port $IO_THREADS"
      # shellcheck disable=SC2086
      taskset -c "$SERVER_CPU" java $JVM_OPTS -cp "$cp" dev.peerlink.bench.TurnBenchServer "$port" "$IO_THREADS" \
          >"$work/peerlink.log" 2>&1 &
      ;;
    coturn-1t|coturn-dflt)
      flags=("${coturn_common[@]}" --listening-port "$port" --pidfile "$work/$t.pid" --log-file "$work/$t.log")
      if [ "$t" = coturn-1t ]; then flags+=(--relay-threads 1 --min-port 57000 --max-port 57999)
      else flags+=(--min-port 58000 --max-port 58999); fi
      echo "== $t: coturn $(dpkg-query -W -f='${Version}' coturn 2>/dev/null || true) on 127.0.0.1:$port (CPU $SERVER_CPU): turnserver ${flags[*]}"
      taskset -c "$SERVER_CPU" turnserver "${flags[@]}" >"$work/$t.out" 2>&1 &
      ;;
    *) echo "turn-bench: unknown target $t" >&2; exit 2 ;;
  esac
  pid=$!
  pids+=("$pid")
  wait_udp "$port" "$pid"
  targets+=("$t=127.0.0.1:$port:$pid")
done
sleep 1
for t in "${targets[@]}"; do
  pid=${t##*:}
  echo "   ${t%%=*}: pid $pid, $(ls /proc/"$pid"/task | wc -l) threads, affinity $(taskset -pc "$pid" | sed 's/.*: //')"
done
grep READY "$work/peerlink.log" 2>/dev/null || true

gen_args=(--flows "$FLOWS" --sizes "$SIZES" --start "$START" --max "$MAX" --factor "$FACTOR" --bisect "$BISECT"
          --warmup "$WARMUP" --duration "$DURATION")
[ -n "${RATES:-}" ] && gen_args+=(--rates "$RATES")
echo "== load (generator on CPU $GEN_CPU): TurnLoadGenerator ${gen_args[*]}"
# shellcheck disable=SC2086
timeout 900 taskset -c "$GEN_CPU" java $JVM_OPTS -cp "$cp" dev.peerlink.bench.TurnLoadGenerator "${gen_args[@]}" "${targets[@]}" \
    | tee "$work/generator.txt"

# --- iperf3 -u: the loopback ceiling, pinned the same way ---------------------------------------
if [ "${IPERF:-1}" != 0 ]; then
  echo
  echo "== iperf3 $(dpkg-query -W -f='${Version}' iperf3 2>/dev/null || true) -u -b 0 on loopback: server on CPU $SERVER_CPU, client on CPU $GEN_CPU, one flow, no relay"
  echo -e "label\tbytes\tsent_pps\tdelivered_pps\tdelivered_Mbit_s\tloss_%\tserver_cpu_%\tcpu0_busy_%\tother_cpu_s"
  for size in ${SIZES//,/ }; do
    port=$(free_port)
    taskset -c "$SERVER_CPU" iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    ipid=$!
    pids+=("$ipid")
    sleep 0.5
    read -r c0 m0 s0 < <(python3 - "$ipid" <<'PY'
import sys
def busy(line):
    f = [int(x) for x in line.split()[1:9]]; return (sum(f) - f[3] - f[4]) / 100
st = open("/proc/stat").read().splitlines()
p = open(f"/proc/{sys.argv[1]}/stat").read(); f = p[p.rindex(")") + 2:].split()
print(busy([l for l in st if l.startswith("cpu0 ")][0]), busy(st[0]), (int(f[11]) + int(f[12])) / 100)
PY
)
    timeout 30 taskset -c "$GEN_CPU" iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l "$size" -t "${IPERF_SECONDS:-4}" -J \
        >"$work/iperf-$size.json" || true
    python3 - "$work/iperf-$size.json" "$size" "$ipid" "$c0" "$m0" "$s0" <<'PY' | tee -a "$work/iperf.txt"
import json, sys
def busy(line):
    f = [int(x) for x in line.split()[1:9]]; return (sum(f) - f[3] - f[4]) / 100
d = json.load(open(sys.argv[1])); s = d["end"]["sum"]; size = int(sys.argv[2])
st = open("/proc/stat").read().splitlines()
try:
    p = open(f"/proc/{sys.argv[3]}/stat").read(); f = p[p.rindex(")") + 2:].split(); srv = (int(f[11]) + int(f[12])) / 100 - float(sys.argv[6])
except OSError:
    srv = float("nan")
cpu0 = busy([l for l in st if l.startswith("cpu0 ")][0]) - float(sys.argv[4])
mach = busy(st[0]) - float(sys.argv[5])
sec = s["seconds"]; sent = s["packets"] / sec; got = (s["packets"] - s["lost_packets"]) / sec
cli = d["end"].get("cpu_utilization_percent", {}).get("host_total", 0) / 100 * sec
print(f"iperf3\t{size}\t{sent:.0f}\t{got:.0f}\t{got*size*8/1e6:.1f}\t{s['lost_percent']:.3f}\t{100*srv/sec:.0f}\t{100*cpu0/sec:.0f}\t{max(0, mach - srv - cli):.2f}")
PY
    wait "$ipid" 2>/dev/null || true
  done
fi

echo
echo "== summary: knees (relayed_pps counts both directions through the relay; iperf3 is one direction, no relay)"
grep -E "^(KNEE|RATIO)" "$work/generator.txt" || true
cat "$work/iperf.txt" 2>/dev/null || true
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${targets[@]}"; do
  pid=${t##*:}
  kill "$pid" 2>/dev/null || true
done
sleep 0.5
grep stats "$work/peerlink.log" 2>/dev/null || true
