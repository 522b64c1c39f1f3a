# Shared by the bench scripts (sourced after scripts/env.sh). Each script sets BENCH_NAME first.
# Provides: $work (scratch dir), pids+=() (killed on exit), build_bench_classpath -> $cp,
# free_port (a UDP+TCP-free loopback port), wait_udp PORT PID, wait_ready LOG PID (a server's READY line).

work="$(mktemp -d "/tmp/${BENCH_NAME}.XXXXXX")"
pids=()
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap bench_cleanup EXIT

build_bench_classpath() {
  echo "== build"
  mvn -q -B ${OFFLINE:+-o} -pl peerlink-bench -am package -DskipTests \
      dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/classpath" >/dev/null
  cp="$root/peerlink-bench/target/classes:$(cat "$work/classpath")"
}

free_port() {
  python3 -c 'import socket
for _ in range(100):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); p = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: t.close(); u.close()'
}

wait_udp() { # port pid
  for _ in $(seq 100); do
    ss -Huln "sport = :$1" | grep -q . && return 0
    kill -0 "$2" 2>/dev/null || { echo "$BENCH_NAME: server on port $1 died" >&2; return 1; }
    sleep 0.1
  done
  echo "$BENCH_NAME: nothing listening on UDP $1" >&2; return 1
}

wait_ready() { # log pid: waits for the server's READY line, then prints it
  for _ in $(seq 200); do
    grep -q READY "$1" && { grep READY "$1"; return 0; }
    kill -0 "$2" 2>/dev/null || { cat "$1"; echo "$BENCH_NAME: server died" >&2; return 1; }
    sleep 0.1
  done
  echo "$BENCH_NAME: no READY line in $1" >&2; return 1
}
