package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock source through a real H.264 encode and decode: ffmpeg encodes the Java-drawn frames, ffmpeg decodes the
 * recording to raw grey frames, and {@link ClockPattern} reads the sender's clock back from each. Also reports how
 * long a frame takes from being drawn to leaving ffmpeg as an FLV tag (the encoder's share of glass-to-glass latency).
 */
class ClockEncodeTest {
    @TempDir
    Path dir;

    @Test
    void clockSurvivesEncodeAndDecodeAt320x240() throws Exception {
        roundTrip(320, 240, 15, 300, 2000);
    }

    @Test
    void clockSurvivesEncodeAndDecodeAt720p30() throws Exception {
        roundTrip(1280, 720, 30, 2500, 2000);
    }

    private void roundTrip(int w, int h, int fps, int kbps, long millis) throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        Path flv = dir.resolve("clock.flv");
        TagLog log = new TagLog();
        long start = System.currentTimeMillis();
        EncoderSettings settings = EncoderSettings.defaults().withSize(w, h).withFps(fps).withBitrate(kbps).withDurationMillis(millis);
        try (FlvRecorder rec = FlvRecorder.create(flv, false, true);
                FfmpegEncoder encoder = FfmpegEncoder.start(ffmpeg, new CastSource.Clock(), settings, t -> {
                    log.accept(t);
                    rec.accept(t);
                })) {
            EncoderExit exit = encoder.exit().get(20, TimeUnit.SECONDS);
            assertThat(exit.clean()).as(exit.describe()).isTrue();
        }
        long end = System.currentTimeMillis();

        List<Long> times = decode(ffmpeg, flv, w, h);
        List<TagLog.Arrival> frames = log.arrivals().stream().filter(a -> TagLog.isPicture(a.tag())).toList();
        assertThat(times).hasSameSizeAs(frames).hasSizeBetween((int) (millis * fps / 1000) - 2, (int) (millis * fps / 1000) + 1);
        long readable = times.stream().filter(t -> t >= 0).count();
        assertThat(readable).as("frames whose clock reads back").isEqualTo(times.size());
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).as("frame %d drawn after frame %d", i, i - 1).isGreaterThan(times.get(i - 1));
        }
        assertThat(times.get(0)).isBetween(start, end);
        long spanMillis = times.get(times.size() - 1) - times.get(0);
        assertThat(spanMillis).as("drawn in real time").isBetween(millis * 8 / 10, millis * 12 / 10);

        // drawn -> out of ffmpeg as a tag; frames map to tags one to one because there are no B-frames
        long[] latency = new long[times.size()];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = frames.get(i).wallMillis() - times.get(i);
        }
        // after the first half second: the first frames wait for ffmpeg to start reading its stdin
        long[] steady = java.util.Arrays.copyOfRange(latency, fps / 2, latency.length);
        java.util.Arrays.sort(latency);
        java.util.Arrays.sort(steady);
        System.out.printf("clock %dx%d@%d %dk: %d frames read back; draw->tag latency median %d ms, p95 %d ms, max %d ms"
                + " (after 0.5 s: median %d, p95 %d, max %d)%n", w, h, fps, kbps, times.size(), latency[latency.length / 2],
                latency[(int) (latency.length * 0.95)], latency[latency.length - 1], steady[steady.length / 2], steady[(int) (steady.length * 0.95)],
                steady[steady.length - 1]);
    }

    /** The recording decoded to grey frames; -1 for a frame whose clock does not read. */
    private static List<Long> decode(Ffmpeg ffmpeg, Path flv, int w, int h) throws Exception {
        Process p = new ProcessBuilder(ffmpeg.executable().toString(), "-v", "error", "-i", flv.toString(), "-f", "rawvideo", "-pix_fmt", "gray",
                "pipe:1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> times = new ArrayList<>();
        try (InputStream in = p.getInputStream(); DataInputStream data = new DataInputStream(in)) {
            byte[] frame = new byte[w * h];
            while (true) {
                try {
                    data.readFully(frame);
                } catch (EOFException e) {
                    break;
                }
                OptionalLong t = ClockPattern.read(frame, w, h, 1);
                times.add(t.orElse(-1));
            }
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
        return times;
    }
}
