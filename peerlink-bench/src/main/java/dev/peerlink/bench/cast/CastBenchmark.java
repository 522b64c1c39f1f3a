package dev.peerlink.bench.cast;

import dev.peerlink.cast.media.Ffmpeg;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Issue 14's cast benchmarks through the real CLI on loopback (bench/cast-bench.sh runs this):
 * <ol>
 *   <li>glass-to-glass latency at 720p30 (clock source read back by a decoding reader): direct, relayed, reference;
 *   <li>scan to first picture: sender process start to the first decoded frame, direct and via the server;
 *   <li>sustained 1080p30 at 8 Mbit/s: frames, drops, CPU (and 720p30 at 4 Mbit/s when 1080p30 cannot be encoded in
 *       real time here).
 * </ol>
 * Arguments: PEERLINK_JAR WORK_DIR [WARMUP_S MEASURE_S FIRST_RUNS SUSTAIN_S ROUNDS].
 */
public final class CastBenchmark {
    private CastBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int firstRuns = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int sustain = args.length > 5 ? Integer.parseInt(args[5]) : 30;
        int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        PrintStream out = System.out;
        String ffmpeg = Ffmpeg.locate().executable().toString();
        out.println("== ffmpeg " + Ffmpeg.locate().version() + ", reader input options " + String.join(" ", ClockReader.INPUT_OPTIONS));
        try (CastWorld world = CastWorld.start(jar, ffmpeg, dir)) {
            CastWorld.Receiver rx = world.receiver("pc", List.of());
            // the ladder runs on both ends: the receiver too must be held to the relay for a relayed cast
            CastWorld.Receiver rxRelay = world.receiver("pcrelay", List.of("--paths", "relay"));
            List<String> relayArgs = List.of("--via-server", "--paths", "relay");

            out.printf("== 1. glass-to-glass latency, clock source %dx%dp%d at %d kbit/s, %d rounds of: %d s warm-up then %d s of frames%n",
                    LatencyBench.WIDTH, LatencyBench.HEIGHT, LatencyBench.FPS, LatencyBench.KBPS, rounds, warm, measure);
            LatencyBench lat = new LatencyBench(world, Duration.ofSeconds(warm), Duration.ofSeconds(measure), out);
            // interleaved rounds: a run can sit one frame period (33 ms) higher or lower as a whole, whichever path it is
            List<LatencyBench.Run> ref = new java.util.ArrayList<>();
            List<LatencyBench.Run> direct = new java.util.ArrayList<>();
            List<LatencyBench.Run> relay = new java.util.ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                ref.add(lat.reference());
                lat.print(round, ref.getLast());
                direct.add(lat.cast("direct", rx, List.of()));
                lat.print(round, direct.getLast());
                relay.add(lat.cast("relayed", rxRelay, relayArgs));
                lat.print(round, relay.getLast());
            }
            out.println("  pooled over the rounds:");
            lat.summary("reference", ref, null);
            lat.summary("direct", direct, ref);
            lat.summary("relayed", relay, ref);
            out.flush();

            out.printf("== 2. scan to first picture (sender process start, JVM included, to the reader's first decoded frame), %d runs each%n", firstRuns);
            FirstPictureBench fp = new FirstPictureBench(world, out);
            fp.references(firstRuns);
            fp.measure("direct", rx, List.of(), firstRuns);
            fp.measure("via server", rx, List.of("--via-server"), firstRuns);
            fp.measure("via server, relay", rxRelay, relayArgs, firstRuns);
            out.flush();

            out.printf("== 3. sustained cast, testsrc2, fixed bitrate, %d s, direct (%d cores shared by sender, receiver and ffmpeg)%n", sustain,
                    Runtime.getRuntime().availableProcessors());
            SustainedBench sb = new SustainedBench(world, out);
            double speed = sb.run(1920, 1080, 30, 8000, sustain);
            if (speed < 1.0) {
                out.println("  1080p30 cannot be encoded in real time here: also 720p30 at 4 Mbit/s");
                sb.run(1280, 720, 30, 4000, sustain);
            }
        }
    }
}
