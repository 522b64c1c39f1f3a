#!/usr/bin/env bash
# Issue 12's benchmark: the network-sharing broker at city scale, on one measuring thread, each figure beside a
# reference measured in the same run: provider refreshes/s (vs ConcurrentHashMap.put), find latency per scene before
# any provider answers (vs a linear scan of all providers), heap per registered provider (vs the decoded announces in a
# plain map), QoS-map ingest (vs raw SQLite inserts) and its predict/route latencies.
# Raw results: bench/results/share-bench-<tag>.txt.
#
#   bench/share-bench.sh
#   PROVIDERS=20000 FINDS=5000 SAMPLES=200000 OFFLINE=1 bench/share-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk
PROVIDERS=${PROVIDERS:-100000}
RADIUS_KM=${RADIUS_KM:-15}
FINDS=${FINDS:-20000}
SAMPLES=${SAMPLES:-1000000}
TAG=${TAG:-$(date +%Y%m%d-%H%M)}
JVM_OPTS=${JVM_OPTS:---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx2g}
BENCH_NAME=share-bench
. "$root/bench/lib.sh"
if ! build_bench_classpath 2>/dev/null || [ ! -s "$work/classpath" ]; then
  # dependency:build-classpath needs plugin dependencies an offline local repository may lack; the compiler's own
  # classpath for peerlink-bench (compile scope: everything this benchmark loads) serves instead
  echo "== build (dependency plugin unavailable: classpath from the compiler's debug output)"
  mvn -B ${OFFLINE:+-o} -X -pl peerlink-bench -am package -DskipTests >"$work/build.log" 2>&1 \
    || { grep -E '^\[ERROR\]' "$work/build.log" | head -20 >&2; exit 1; }
  cp=$(grep -F '(f) compilePath = [' "$work/build.log" | tail -1 | sed -e 's/.*compilePath = \[//' -e 's/\]$//' -e 's/, /:/g')
  [ -n "$cp" ] || { echo "share-bench: no classpath in the build log" >&2; exit 1; }
fi
# this tree's classes first: the local repository may hold older builds of the same modules
for m in peerlink-server peerlink-share peerlink-protocol peerlink-sqlite; do
  cp="$root/$m/target/classes:$cp"
done
cp="$root/peerlink-bench/target/classes:$cp"
data="$work/data"
mkdir -p "$data" "$root/bench/results"
out="$root/bench/results/share-bench-$TAG.txt"
{
  echo "== $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "== java $JVM_OPTS ShareBenchmark $PROVIDERS $RADIUS_KM $FINDS $SAMPLES"
  java $JVM_OPTS -cp "$cp" dev.peerlink.bench.ShareBenchmark "$PROVIDERS" "$RADIUS_KM" "$FINDS" "$SAMPLES" "$data" 2>&1 \
    | grep -v -E ' (DEBUG|INFO) '
} | tee "$out"
echo "== results in $out"
rm -rf "$work"
