#!/usr/bin/env bash
# Benchmarks peerlink's STUN server against coturn, on loopback, with the same load generator
# (dev.peerlink.bench.StunLoadGenerator) in the same run. Both servers are pinned to one CPU and the
# generator to the other, so the servers get one core each in turn and the generator never steals it.
#
#   bench/stun-bench.sh                      # 3 s warm-up + 10 s measured per target, 1 round
#   ROUNDS=2 DURATION=10 bench/stun-bench.sh # alternate ours/coturn twice, report the best of each
#
# Environment: DURATION, WARMUP, ROUNDS, SOCKETS, WINDOW (generator), SERVER_CPU, GEN_CPU (taskset),
# IO_THREADS (ours), COTURN_THREADS (coturn --relay-threads, default 1: its fastest setting on one pinned
# core in our trials; set it empty for coturn's own default of one per CPU), COTURN_DEFAULT_TOO=1 (also
# run a second coturn with its default thread count as a third target), OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-1}
SOCKETS=${SOCKETS:-8}
WINDOW=${WINDOW:-32}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
IO_THREADS=${IO_THREADS:-1}
COTURN_THREADS=${COTURN_THREADS-1}
# Java 25 hides sun.misc.Unsafe from Netty by default; Netty's direct-buffer access is faster with it.
JVM_OPTS=${JVM_OPTS:---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dio.netty.noUnsafe=false -Xms512m -Xmx512m}

command -v turnserver >/dev/null || { echo "stun-bench: needs coturn's turnserver (apt-get install coturn)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "stun-bench: needs taskset (util-linux)" >&2; exit 1; }

BENCH_NAME=stun-bench
. "$root/bench/lib.sh"
build_bench_classpath

ours_port=$(free_port)
coturn_port=$(free_port)

echo "== peerlink on 127.0.0.1:$ours_port (CPU $SERVER_CPU, $IO_THREADS IO thread(s))"
# shellcheck disable=SC2086
taskset -c "$SERVER_CPU" java $JVM_OPTS -cp "$cp" dev.peerlink.bench.StunBenchServer "$ours_port" "$IO_THREADS" \
    >"$work/peerlink.log" 2>&1 &
ours_pid=$!
pids+=("$ours_pid")

coturn_flags=(-n --no-cli --no-tls --no-dtls --stun-only --no-software-attribute
              --listening-ip 127.0.0.1 --listening-port "$coturn_port"
              --pidfile "$work/turnserver.pid" --log-file "$work/coturn.log" --simple-log --no-stdout-log)
[ -n "$COTURN_THREADS" ] && coturn_flags+=(--relay-threads "$COTURN_THREADS")
echo "== coturn $(dpkg-query -W -f='${Version}' coturn 2>/dev/null || true) on 127.0.0.1:$coturn_port (CPU $SERVER_CPU): turnserver ${coturn_flags[*]}"
taskset -c "$SERVER_CPU" turnserver "${coturn_flags[@]}" >"$work/coturn.out" 2>&1 &
coturn_pid=$!
pids+=("$coturn_pid")

targets=("peerlink=127.0.0.1:$ours_port:$ours_pid" "coturn=127.0.0.1:$coturn_port:$coturn_pid")
if [ "${COTURN_DEFAULT_TOO:-0}" = 1 ]; then
  coturn2_port=$(free_port)
  flags2=(-n --no-cli --no-tls --no-dtls --stun-only --no-software-attribute
          --listening-ip 127.0.0.1 --listening-port "$coturn2_port"
          --pidfile "$work/turnserver2.pid" --log-file "$work/coturn2.log" --simple-log --no-stdout-log)
  echo "== coturn (default threads) on 127.0.0.1:$coturn2_port (CPU $SERVER_CPU): turnserver ${flags2[*]}"
  taskset -c "$SERVER_CPU" turnserver "${flags2[@]}" >"$work/coturn2.out" 2>&1 &
  coturn2_pid=$!
  pids+=("$coturn2_pid")
  wait_udp "$coturn2_port" "$coturn2_pid"
  targets+=("coturn-dflt=127.0.0.1:$coturn2_port:$coturn2_pid")
fi

wait_udp "$ours_port" "$ours_pid"
wait_udp "$coturn_port" "$coturn_pid"
grep READY "$work/peerlink.log" || true
echo "coturn threads: $(ls /proc/$coturn_pid/task | wc -l)"

echo "== other busy processes at start (they compete for the same two cores):"
ps -eo pid,pcpu,comm --sort=-pcpu | awk 'NR>1 && $2>5.0' | grep -vE "^ *($ours_pid|$coturn_pid) " | head -5 || true

echo "== load (generator on CPU $GEN_CPU)"
# shellcheck disable=SC2086
taskset -c "$GEN_CPU" java $JVM_OPTS -cp "$cp" dev.peerlink.bench.StunLoadGenerator \
    --warmup "$WARMUP" --duration "$DURATION" --rounds "$ROUNDS" --sockets "$SOCKETS" --window "$WINDOW" \
    "${targets[@]}"

echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
