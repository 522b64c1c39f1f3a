#!/usr/bin/env bash
# TURN relay throughput on loopback: coturn's turnserver, [slot: our relay], and iperf3 -u as the
# physical ceiling. Bounded: every run has a fixed duration and a timeout; servers are stopped on exit.
#
#   bench/turn-bench.sh [--rate PPS] [--duration SEC] [--clients N] [--sizes 100,1200] [--transport udp|tcp]
#
# Same load for every server in one run, so the rows compare. Loopback only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

rate=20000 duration=10 clients=4 sizes=100,1200 transport=udp
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --transport) transport=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/peerlink-turn-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building peerlink-bench"
# One reactor run: sibling modules resolve to their fresh target/ jars, no mvn install needed.
# Each module writes the classpath file in turn; peerlink-bench comes last, so its list stays.
mvn -q -B -o -pl peerlink-bench -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$root/peerlink-bench/target/classes:$(cat "$work/cp.txt")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bench_time=$((duration * 2 + 30)) # per size: warmup, run, drain, allocation; generous but bounded

run_bench() { # label port pid
  timeout $(( bench_time * 3 )) java -cp "$cp" dev.peerlink.bench.TurnRelayBenchmark \
    --label "$1" --server "127.0.0.1:$2" --server-pid "$3" --user bench --password bench \
    --transport "$transport" --clients "$clients" --sizes "$sizes" --rate "$rate" --duration "$duration" \
    | tee -a "$work/results.txt"
}

results_all=()

# --- coturn ---------------------------------------------------------------------------------
if command -v turnserver >/dev/null; then
  port=$(free_port)
  echo "== coturn turnserver on 127.0.0.1:$port"
  turnserver -n --no-cli --no-tls --no-dtls --no-rfc5780 --listening-ip 127.0.0.1 --listening-port "$port" \
    --relay-ip 127.0.0.1 --min-port 55000 --max-port 55999 --lt-cred-mech --user bench:bench --realm bench \
    --allow-loopback-peers --no-multicast-peers --simple-log --log-file "$work/coturn.log" >/dev/null 2>&1 &
  coturn_pid=$!
  pids+=("$coturn_pid")
  for _ in $(seq 50); do ss -lun | grep -q "127.0.0.1:$port " && break; sleep 0.1; done
  run_bench coturn "$port" "$coturn_pid"
  kill "$coturn_pid"; wait "$coturn_pid" 2>/dev/null || true
else
  echo "== coturn: turnserver not installed, skipped"
fi

# --- peerlink relay (SLOT) ------------------------------------------------------------------
# When our TURN server lands (branch turnserver), start it here with the same load, e.g.:
#   port=$(free_port)
#   ./peerlink relay --listen 127.0.0.1:$port --relay-ip 127.0.0.1 --realm bench \
#       --users <(echo bench:bench) --allow-peer 127.0.0.0/8 &
#   ours_pid=$!; pids+=("$ours_pid")
#   (wait for the port)
#   run_bench peerlink "$port" "$ours_pid"
#   kill "$ours_pid"
# Set PEERLINK_RELAY_CMD to a command line with {PORT} in it to run it now:
if [ -n "${PEERLINK_RELAY_CMD:-}" ]; then
  port=$(free_port)
  echo "== peerlink relay on 127.0.0.1:$port"
  bash -c "exec ${PEERLINK_RELAY_CMD//\{PORT\}/$port}" >"$work/peerlink.log" 2>&1 &
  ours_pid=$!
  pids+=("$ours_pid")
  for _ in $(seq 100); do ss -lun | grep -q "127.0.0.1:$port " && break; sleep 0.1; done
  run_bench peerlink "$port" "$ours_pid"
  kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true
fi

# --- iperf3 -u: the loopback ceiling -----------------------------------------------------------
if command -v iperf3 >/dev/null; then
  echo "== iperf3 -u on loopback (unlimited rate), the physical ceiling for one UDP flow"
  port=$(free_port)
  iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  pids+=("$!")
  sleep 0.5
  for size in ${sizes//,/ }; do
    timeout $((duration + 15)) iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l "$size" -t "$duration" -J >"$work/iperf-$size.json" || true
    python3 - "$work/iperf-$size.json" "$size" <<'PY' | tee -a "$work/iperf.txt"
import json, sys
d = json.load(open(sys.argv[1])); s = d["end"]["sum"]
size = int(sys.argv[2]); sent = s["packets"] / s["seconds"]; got = (s["packets"] - s["lost_packets"]) / s["seconds"]
# delivered packets/s in the relayed_pps column: what crossed loopback, one direction, no relay
print(f"iperf3\tudp\t1\t{size}\tunlimited\t{sent:.0f}\t{got:.0f}\t{got*size*8/1e6:.1f}\t{s['lost_percent']:.3f}\t-\t-\t-\t-")
PY
    iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    pids+=("$!")
    sleep 0.5
  done
fi

echo
echo "== summary (relayed_pps counts both relay directions; iperf3 row is one direction, no relay)"
echo -e "label\ttransport\tclients\tbytes\ttarget_pps\tsent_pps\trelayed_pps\trelayed_Mbit_s\tloss_oneway_%\tloss_roundtrip_%\tserver_cpu_%\tserver_cpu_s_per_Gbit\tbench_cpu_%"
grep -E "^(coturn|peerlink)	" "$work/results.txt" || true
cat "$work/iperf.txt" 2>/dev/null || true
