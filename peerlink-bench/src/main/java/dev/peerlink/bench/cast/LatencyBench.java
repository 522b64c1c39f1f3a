package dev.peerlink.bench.cast;

import dev.peerlink.cast.media.EncoderSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Glass-to-glass latency at 720p30 with the clock source: direct, relayed through the server's TURN relay, and the
 * reference (the same frames and encoder, ffmpeg serving RTMP to the same reader). Each run warms up, then takes every
 * decoded frame of the measuring window; CPU of the processes involved is read over the same window.
 */
final class LatencyBench {
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;
    static final int FPS = 30;
    static final int KBPS = 2500;

    record Run(String label, String path, long[] latencies, int frames, int unreadable, List<String> cpu) {
        Stats stats() {
            return Stats.of(latencies);
        }
    }

    /** Several runs of one kind pooled: every frame of every window. */
    static Stats pooled(List<Run> runs) {
        return Stats.of(runs.stream().flatMapToLong(r -> java.util.Arrays.stream(r.latencies())).toArray());
    }

    private final CastWorld world;
    private final Duration warmUp;
    private final Duration measure;
    private final PrintStream out;

    LatencyBench(CastWorld world, Duration warmUp, Duration measure, PrintStream out) {
        this.world = world;
        this.warmUp = warmUp;
        this.measure = measure;
        this.out = out;
    }

    /** One cast through peerlink to {@code rx}; {@code extra} picks the path (nothing: direct first). */
    Run cast(String label, CastWorld.Receiver rx, List<String> extra) throws Exception {
        String code = rx.nextCode();
        long seconds = (warmUp.plus(measure).toMillis() + 3000) / 1000;
        try (ClockReader reader = ClockReader.start(world.ffmpeg, rx.rtmpUrl, WIDTH, HEIGHT)) {
            reader.awaitConnected(CastWorld.STEP);
            List<String> args = new ArrayList<>(List.of("--source", "clock", "--size", WIDTH + "x" + HEIGHT, "--fps", String.valueOf(FPS),
                    "--bitrate", String.valueOf(KBPS), "--duration", String.valueOf(seconds)));
            args.addAll(extra);
            CliProcess tx = world.sender("phone", code, args);
            String path = tx.await(CastWorld.CASTING, CastWorld.STEP).group(1);
            long first = reader.awaitFirstFrame(CastWorld.STEP);
            long t0 = first + warmUp.toMillis();
            long t1 = t0 + measure.toMillis();
            CpuWindow cpu = new CpuWindow();
            long ffmpeg = ProcCpuTime.ffmpegChild(tx.pid());
            cpu.add("sender JVM", tx.pid());
            cpu.add("sender ffmpeg", ffmpeg);
            cpu.add("receiver JVM", rx.process.pid());
            cpu.add("reader ffmpeg", reader.pid());
            sleepUntil(t0); // the window is wall-clock time: its start is a moment, not a condition
            cpu.begin();
            sleepUntil(t1);
            cpu.end();
            int exit = tx.exit(CastWorld.STEP);
            rx.awaitEnded();
            reader.awaitEnd(CastWorld.STEP);
            if (exit != 0) {
                throw new IllegalStateException("sender exit " + exit + "\n" + tx.tail(15));
            }
            return new Run(label, path, reader.latencies(t0, t1), reader.frames(), reader.unreadable(), cpu.report());
        }
    }

    /** The same clock frames and x264 options, ffmpeg serving RTMP itself, the same reader. */
    Run reference() throws Exception {
        EncoderSettings s = EncoderSettings.defaults().withFps(FPS).withGop(FPS).withBitrate(KBPS).withSize(WIDTH, HEIGHT);
        int port = CastWorld.freePort();
        try (ClockReference ref = ClockReference.start(world.ffmpeg, s, port)) {
            long deadline = System.nanoTime() + CastWorld.STEP.toNanos();
            while (!CastWorld.listening(port)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the reference ffmpeg never listened on " + port);
                }
                Thread.sleep(10); // polling /proc/net/tcp: ffmpeg says nothing when it starts listening
            }
            try (ClockReader reader = ClockReader.start(world.ffmpeg, ref.url(), WIDTH, HEIGHT)) {
                long first = reader.awaitFirstFrame(CastWorld.STEP);
                long t0 = first + warmUp.toMillis();
                long t1 = t0 + measure.toMillis();
                CpuWindow cpu = new CpuWindow();
                cpu.add("encoder ffmpeg", ref.pid());
                cpu.add("reader ffmpeg", reader.pid());
                sleepUntil(t0);
                cpu.begin();
                sleepUntil(t1);
                cpu.end();
                return new Run("reference", "ffmpeg rtmp", reader.latencies(t0, t1), reader.frames(), reader.unreadable(), cpu.report());
            }
        }
    }

    void print(int round, Run r) {
        out.printf(Locale.ROOT, "  round %d %-26s %s%n", round, r.label() + " (path " + r.path() + "):", r.stats());
        out.printf(Locale.ROOT, "          %-26s frames read %d, unreadable %d; CPU over the window: %s%n", "", r.frames(), r.unreadable(), String.join(", ", r.cpu()));
    }

    void summary(String label, List<Run> runs, List<Run> ref) {
        Stats s = pooled(runs);
        out.printf(Locale.ROOT, "  %-18s %s; per-round medians %s%n", label + ":", s, runs.stream().map(r -> r.stats().median()).toList());
        if (ref != null && runs != ref) {
            Stats f = pooled(ref);
            out.printf(Locale.ROOT, "  %-18s ratio to reference: median %.2fx, p95 %.2fx (%+d ms median)%n", "", (double) s.median() / f.median(),
                    (double) s.p95() / f.p95(), s.median() - f.median());
        }
    }

    static void sleepUntil(long millis) throws InterruptedException {
        long wait = millis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
