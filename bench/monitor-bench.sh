#!/usr/bin/env bash
# How many port mappings one server mapping monitor probes at a 60 s interval, and its CPU
# (dev.peerlink.bench.MappingMonitorBench; loopback only, bounded: warm-up + one measured window).
#
#   bench/monitor-bench.sh                     # 10,000 mappings, 60 s interval, 60 s window
#   MAPPINGS=50000 bench/monitor-bench.sh
#   INTERVAL=60 WINDOW=30 bench/monitor-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk
MAPPINGS=${MAPPINGS:-10000}
INTERVAL=${INTERVAL:-60}
WINDOW=${WINDOW:-$INTERVAL}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -o -q -pl peerlink-bench -am package -DskipTests
mvn -o -q -pl peerlink-bench dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp" >/dev/null
# the reactor's fresh classes first (the local repository may hold older snapshots of the sibling modules)
cp="peerlink-bench/target/classes:peerlink-server/target/classes:peerlink-protocol/target/classes:peerlink-peer/target/classes:peerlink-portmap/target/classes:$(cat "$work/cp")"
exec java -Xms256m -Xmx512m -cp "$cp" dev.peerlink.bench.MappingMonitorBench "$MAPPINGS" "$INTERVAL" "$WINDOW"
