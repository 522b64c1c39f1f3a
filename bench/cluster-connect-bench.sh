#!/usr/bin/env bash
# Cluster mode (issue 16): connect brokering latency for a target on the same instance (the reference) and on another
# instance (Redis presence lookup + bus), p50/p99 and the added latency, and Redis commands / PostgreSQL transactions
# per connect. dev.peerlink.bench.ClusterConnectBench starts its own redis-server and PostgreSQL on loopback (needs
# the redis-server and postgresql packages, as ./test.sh installs them) and two instances in one JVM.
#
#   bench/cluster-connect-bench.sh             # N=300 connects of each kind
#   N=1000 TAG=x bench/cluster-connect-bench.sh  # raw output to bench/results/cluster-connect-x.txt
#
# Environment: N, TAG, OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

N=${N:-300}
TAG=${TAG:-run}
JVM_OPTS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"

BENCH_NAME=cluster-connect-bench
. "$root/bench/lib.sh"
build_bench_classpath
for m in peerlink-peer peerlink-server peerlink-protocol peerlink-cluster peerlink-testkit; do cp="$root/$m/target/classes:$cp"; done
mkdir -p "$root/bench/results"
out="$root/bench/results/cluster-connect-$TAG.txt"
exec > >(tee "$out") 2>&1

echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
# shellcheck disable=SC2086
java $JVM_OPTS -cp "$cp" dev.peerlink.bench.ClusterConnectBench "$N" 2>"$work/bench.log" | grep -v '^[0-9:. ]*\(INFO\|WARN\|DEBUG\)'
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
