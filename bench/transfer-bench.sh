#!/usr/bin/env bash
# Issue 7's benchmark: first versus duplicate send of a SIZE_MIB file (default 1 GiB) through a real central server on
# loopback (SQLite + file blobs), with hashing throughput against `openssl speed -evp sha256` and `sha256sum` in the
# same run. Needs ~3 x SIZE of free disk in WORK. Raw results: bench/results/transfer-bench-<tag>.txt.
#
#   bench/transfer-bench.sh
#   SIZE_MIB=256 bench/transfer-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk
command -v openssl >/dev/null || { echo "transfer-bench: needs openssl" >&2; exit 1; }
SIZE_MIB=${SIZE_MIB:-1024}
TAG=${TAG:-$(date +%Y%m%d-%H%M)}
JVM_OPTS=${JVM_OPTS:---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx2g}
BENCH_NAME=transfer-bench
. "$root/bench/lib.sh"
build_bench_classpath
cp="$root/peerlink-bench/target/classes:$root/peerlink-server/target/classes:$root/peerlink-transfer/target/classes:$root/peerlink-protocol/target/classes:$cp"
data="${WORK:-$work}/transfer-bench"
rm -rf "$data/server"
mkdir -p "$root/bench/results"
out="$root/bench/results/transfer-bench-$TAG.txt"
java $JVM_OPTS -cp "$cp" dev.peerlink.bench.TransferBenchmark "$data" "$SIZE_MIB" 2>&1 | grep -v -E ' (DEBUG|INFO) ' | tee "$out"
rm -rf "$data"
echo "== results in $out"
