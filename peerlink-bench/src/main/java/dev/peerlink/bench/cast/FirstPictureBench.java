package dev.peerlink.bench.cast;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scan to first picture: from starting {@code peerlink cast send} (the process start, JVM start-up included: what a
 * user waits for after scanning the code) to the reader's first decoded frame, split at the sender's {@code casting}
 * event. The reader is already connected to the receiver's re-serve and waiting for a publisher, as a player would be.
 */
final class FirstPictureBench {
    record Run(String path, long toCasting, long castingToPicture, long total) {}

    private final CastWorld world;
    private final PrintStream out;
    private long jvmFloor = -1; // the references' medians, for the ratios
    private long ffmpegFloor = -1;

    FirstPictureBench(CastWorld world, PrintStream out) {
        this.world = world;
        this.out = out;
    }

    Run once(CastWorld.Receiver rx, List<String> extra) throws Exception {
        String code = rx.nextCode();
        try (ClockReader reader = ClockReader.start(world.ffmpeg, rx.rtmpUrl, LatencyBench.WIDTH, LatencyBench.HEIGHT)) {
            reader.awaitConnected(CastWorld.STEP);
            List<String> args = new ArrayList<>(List.of("--source", "clock", "--size", LatencyBench.WIDTH + "x" + LatencyBench.HEIGHT,
                    "--fps", String.valueOf(LatencyBench.FPS), "--duration", "2"));
            args.addAll(extra);
            CliProcess tx = world.sender("phone", code, args);
            CliProcess.Event casting = tx.await(CastWorld.CASTING, CastWorld.STEP);
            long picture = reader.awaitFirstFrame(CastWorld.STEP);
            int exit = tx.exit(CastWorld.STEP);
            rx.awaitEnded();
            reader.awaitEnd(CastWorld.STEP);
            if (exit != 0) {
                throw new IllegalStateException("sender exit " + exit + "\n" + tx.tail(15));
            }
            long start = tx.startMillis();
            return new Run(casting.group(1), casting.line().millis() - start, picture - casting.line().millis(), picture - start);
        }
    }

    /**
     * References: the JVM's own floor ({@code peerlink --version}: start, load the CLI, exit) and plain ffmpeg RTMP
     * (start the clock encoder serving RTMP, the reader connects as soon as it listens, to its first decoded frame).
     */
    void references(int runs) throws Exception {
        long[] jvm = new long[runs];
        long[] ffmpegRef = new long[runs];
        dev.peerlink.cast.media.EncoderSettings s = dev.peerlink.cast.media.EncoderSettings.defaults().withFps(LatencyBench.FPS)
                .withGop(LatencyBench.FPS).withSize(LatencyBench.WIDTH, LatencyBench.HEIGHT);
        for (int i = 0; i < runs; i++) {
            try (CliProcess v = CliProcess.start(world.jar, "version", List.of("--version"))) {
                v.exit(CastWorld.STEP);
                jvm[i] = System.currentTimeMillis() - v.startMillis();
            }
            int port = CastWorld.freePort();
            long start = System.currentTimeMillis();
            try (ClockReference ref = ClockReference.start(world.ffmpeg, s, port)) {
                while (!CastWorld.listening(port)) {
                    if (System.currentTimeMillis() - start > CastWorld.STEP.toMillis()) {
                        throw new IllegalStateException("the reference ffmpeg never listened on " + port);
                    }
                    Thread.sleep(5); // polling /proc/net/tcp: ffmpeg says nothing when it starts listening
                }
                try (ClockReader reader = ClockReader.start(world.ffmpeg, ref.url(), LatencyBench.WIDTH, LatencyBench.HEIGHT)) {
                    ffmpegRef[i] = reader.awaitFirstFrame(CastWorld.STEP) - start;
                }
            }
        }
        Stats j = Stats.of(jvm);
        Stats f = Stats.of(ffmpegRef);
        out.printf(Locale.ROOT, "  %-22s median %5d ms (min %d, max %d, n=%d)%n", "ref: JVM floor:", j.median(), j.min(), j.max(), j.n());
        out.printf(Locale.ROOT, "  %-22s median %5d ms (min %d, max %d, n=%d)%n", "ref: ffmpeg RTMP:", f.median(), f.min(), f.max(), f.n());
        jvmFloor = j.median();
        ffmpegFloor = f.median();
    }

    void measure(String label, CastWorld.Receiver rx, List<String> extra, int runs) throws Exception {
        List<Run> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            rs.add(once(rx, extra));
        }
        Stats total = Stats.of(rs.stream().mapToLong(Run::total).toArray());
        Stats toCasting = Stats.of(rs.stream().mapToLong(Run::toCasting).toArray());
        Stats toPicture = Stats.of(rs.stream().mapToLong(Run::castingToPicture).toArray());
        out.printf(Locale.ROOT, "  %-22s start -> first picture median %5d ms (min %d, max %d, n=%d); paths %s%n", label + ":", total.median(), total.min(),
                total.max(), total.n(), rs.stream().map(Run::path).distinct().toList());
        out.printf(Locale.ROOT, "  %-22s   split: start -> casting event median %d ms (min %d, max %d); casting -> first picture median %d ms (min %d, max %d)%n",
                "", toCasting.median(), toCasting.min(), toCasting.max(), toPicture.median(), toPicture.min(), toPicture.max());
        if (jvmFloor > 0 && ffmpegFloor > 0) {
            out.printf(Locale.ROOT, "  %-22s   ratio to (JVM floor + ffmpeg RTMP first picture = %d ms): %.2fx%n", "", jvmFloor + ffmpegFloor,
                    (double) total.median() / (jvmFloor + ffmpegFloor));
        }
    }
}
