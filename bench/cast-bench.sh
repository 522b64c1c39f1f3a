#!/usr/bin/env bash
# Issue 14's cast benchmarks on loopback, through the real CLI (peerlink server, cast receive, cast send as separate
# JVMs of peerlink-cli/target/peerlink.jar) and a reader (ffmpeg decoding the receiver's RTMP re-serve to raw grey
# frames, read by Java, ClockPattern.read: latency = arrival - the sender's clock drawn into the frame):
#   1. glass-to-glass latency, clock source 720p30 2.5 Mbit/s, ROUNDS interleaved rounds of: the reference (the same
#      clock frames and x264 options, ffmpeg serving RTMP itself with -listen 1, to the same reader), direct, and relayed
#      (--via-server --paths relay, both ends held to the relay; the server allows loopback peers); pooled figures;
#   2. scan to first picture: sender process start (JVM included) -> casting event -> first decoded frame, FIRST_RUNS
#      runs direct / via the server / via the relay, beside the JVM floor (peerlink --version) and ffmpeg's own;
#   3. sustained 1080p30 at 8 Mbit/s (testsrc2, fixed bitrate, SUSTAIN_S s): frames sent vs recorded (ffprobe), CPU %
#      of the sender JVM, its ffmpeg and the receiver JVM; ffmpeg's unpaced encode speed as the reference.
# Dev.peerlink.bench.cast.CastBenchmark does the work. Results: bench/results/cast-<TAG>.txt. About 6 minutes.
#
#   bench/cast-bench.sh
#   TAG=2026-12-07 OFFLINE=1 bench/cast-bench.sh
#
# Environment: ROUNDS (3), WARMUP_S (3), MEASURE_S (8; ROUNDS x MEASURE_S >= 20 s per path), FIRST_RUNS (5),
# SUSTAIN_S (30), TAG (date-time), OFFLINE=1 (mvn -o).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk
for tool in ffmpeg ffprobe; do
  command -v "$tool" >/dev/null || { echo "cast-bench: needs $tool" >&2; exit 1; }
done
WARMUP_S=${WARMUP_S:-3}
MEASURE_S=${MEASURE_S:-8}
ROUNDS=${ROUNDS:-3}
FIRST_RUNS=${FIRST_RUNS:-5}
SUSTAIN_S=${SUSTAIN_S:-30}
TAG=${TAG:-$(date +%Y-%m-%d-%H%M)}
BENCH_NAME=cast-bench
. "$root/bench/lib.sh"
mkdir -p bench/results
out="$root/bench/results/cast-$TAG.txt"

echo "== build"
mvn -q -B ${OFFLINE:+-o} -pl peerlink-cli,peerlink-bench -am package -DskipTests >"$work/build.log" 2>&1 \
  || { grep -E '^\[ERROR\]' "$work/build.log" | head -20 >&2; exit 1; }
jar="$root/peerlink-cli/target/peerlink.jar"
# the CLI's fat jar carries peerlink-cast and every library the benchmark loads
cp="$root/peerlink-bench/target/classes:$jar"
{
  echo "# bench/cast-bench.sh $(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "# machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); every peerlink process is a separate JVM (java -jar peerlink.jar, as ./peerlink)"
  echo "# other busy processes at start (they share the same cores):"
  ps -eo pid,pcpu,etime,comm --sort=-pcpu | awk 'NR>1 && $2>5.0' | head -5 | sed 's/^/#   /' || true
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.peerlink.bench.cast.CastBenchmark "$jar" "$work/world" \
      "$WARMUP_S" "$MEASURE_S" "$FIRST_RUNS" "$SUSTAIN_S" "$ROUNDS" 2>&1 | grep -v -E ' (DEBUG|INFO) '
  echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
echo "== results in $out"
rm -rf "$work"
