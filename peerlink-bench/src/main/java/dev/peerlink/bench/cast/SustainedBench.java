package dev.peerlink.bench.cast;

import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.FfmpegCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A sustained cast of the moving test pattern at a fixed bitrate, direct on loopback: frames the source made vs frames
 * in the receiver's recording (ffprobe), the recording's bitrate, and CPU % of the sender JVM, the sender's ffmpeg and
 * the receiver JVM. First, as the reference, how fast ffmpeg alone encodes the same settings unpaced on this machine
 * (speed below 1x means the size cannot be cast in real time here, whatever the transport).
 */
final class SustainedBench {
    private final CastWorld world;
    private final PrintStream out;

    SustainedBench(CastWorld world, PrintStream out) {
        this.world = world;
        this.out = out;
    }

    /** ffmpeg's encode speed for these settings: media seconds per wall second, with no -re pacing and no transport. */
    double encoderSpeed(EncoderSettings s, long mediaMillis) throws Exception {
        List<String> cmd = new ArrayList<>(FfmpegCommand.build(world.ffmpeg, new CastSource.TestPattern(CastSource.Pattern.MOVING),
                s.withDurationMillis(mediaMillis), 0));
        cmd.remove("-re");
        long t = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5 * mediaMillis, TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the speed check's ffmpeg failed: " + cmd);
        }
        return mediaMillis / ((System.nanoTime() - t) / 1e6);
    }

    /** @return ffmpeg's unpaced speed for the settings */
    double run(int width, int height, int fps, int kbps, int seconds) throws Exception {
        EncoderSettings s = EncoderSettings.defaults().withSize(width, height).withFps(fps).withGop(fps).withBitrate(kbps);
        double speed = encoderSpeed(s, 10_000);
        String label = width + "x" + height + "p" + fps + " @ " + kbps + " kbit/s";
        out.printf(Locale.ROOT, "  %s: reference, ffmpeg alone encoding testsrc2 unpaced: speed %.2fx real time%n", label, speed);
        Path rec = world.dir.resolve("sustained-" + height + ".flv");
        CastWorld.Receiver rx = world.receiver("pc" + height, List.of("--record", rec.toString(), "--web", "off"));
        String code = rx.nextCode();
        CliProcess tx = world.sender("phone" + height, code, List.of("--source", "testsrc2", "--size", width + "x" + height, "--fps",
                String.valueOf(fps), "--bitrate", String.valueOf(kbps), "--fixed-bitrate", "--duration", String.valueOf(seconds)));
        CliProcess.Event casting = tx.await(CastWorld.CASTING, CastWorld.STEP);
        long c = casting.line().millis();
        CpuWindow cpu = new CpuWindow();
        cpu.add("sender JVM", tx.pid());
        cpu.add("sender ffmpeg", ProcCpuTime.ffmpegChild(tx.pid()));
        cpu.add("receiver JVM", rx.process.pid());
        LatencyBench.sleepUntil(c + 2000); // skip start-up; stop 2 s before the source ends, while ffmpeg still runs
        cpu.begin();
        LatencyBench.sleepUntil(c + (seconds - 2) * 1000L);
        cpu.end();
        int exit = tx.exit(CastWorld.STEP);
        long wall = System.currentTimeMillis() - c;
        rx.awaitEnded();
        rx.process.close();
        if (exit != 0) {
            throw new IllegalStateException("sender exit " + exit + "\n" + tx.tail(15));
        }
        long received = countFrames(rec);
        long sent = (long) fps * seconds; // ffmpeg -t SECONDS of a FPS lavfi source
        double mbits = Files.size(rec) * 8 / 1e6 / seconds;
        out.printf(Locale.ROOT, "  %s: path %s; frames sent %d, received (recording, ffprobe) %d, dropped %d; recording %.2f Mbit/s;"
                + " casting -> sender exit %.1f s for %d s of media%n", label, casting.group(1), sent, received, sent - received, mbits, wall / 1000.0, seconds);
        out.printf(Locale.ROOT, "  %s: CPU (%% of one core, %d s window, %d cores): %s%n", label, seconds - 4, Runtime.getRuntime().availableProcessors(),
                String.join(", ", cpu.report()));
        return speed;
    }

    private long countFrames(Path flv) throws IOException, InterruptedException {
        String ffprobe = Path.of(world.ffmpeg).resolveSibling("ffprobe").toString();
        Process p = new ProcessBuilder(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
                "-of", "default=noprint_wrappers=1:nokey=1", flv.toString()).redirectErrorStream(true).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        try {
            return Long.parseLong(o.lines().findFirst().orElse("").trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("ffprobe said: " + o);
        }
    }
}
