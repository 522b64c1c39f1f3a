package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measures (does not assert) ffmpeg's CPU for a 720p30 encode of the moving test pattern, from the process's CPU time
 * over 3 s after a 1 s warm-up. The figure includes generating the pattern, measured alone for comparison.
 */
class EncodeCpuTest {
    @Test
    void reportsEncodeCpuAt720p30() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        for (String preset : List.of("veryfast", "ultrafast")) {
            TagLog log = new TagLog();
            EncoderSettings s = EncoderSettings.defaults().withSize(1280, 720).withFps(30).withBitrate(2500).withPreset(preset);
            try (FfmpegEncoder encoder = FfmpegEncoder.start(ffmpeg, new CastSource.TestPattern(CastSource.Pattern.MOVING), s, log)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> log.frameCount() >= 30);
                Duration cpu0 = encoder.cpuTime().orElse(null);
                org.junit.jupiter.api.Assumptions.assumeTrue(cpu0 != null, "the platform does not report process CPU time");
                long wall0 = System.nanoTime();
                int frames0 = log.frameCount();
                await().atMost(Duration.ofSeconds(15)).until(() -> log.frameCount() >= frames0 + 90);
                Duration cpu1 = encoder.cpuTime().orElseThrow();
                long wall1 = System.nanoTime();
                int frames = log.frameCount() - frames0;
                double cpuShare = (cpu1.toNanos() - cpu0.toNanos()) / (double) (wall1 - wall0);
                long bytes = log.frames().stream().skip(frames0).mapToLong(t -> t.body().length).sum();
                System.out.printf("720p30 testsrc2 %s 2500k: ffmpeg CPU %.0f %% of one core, %.1f fps delivered, %.0f kbit/s%n", preset, cpuShare * 100,
                        frames / ((wall1 - wall0) / 1e9), bytes * 8 / ((wall1 - wall0) / 1e6));
                assertThat(frames).isGreaterThanOrEqualTo(90);
            }
        }
        String bench = MediaTools.runStderr(MediaTools.cmd(ffmpeg.executable().toString(), "-hide_banner", "-benchmark", "-re", "-f", "lavfi", "-i",
                "testsrc2=size=1280x720:rate=30", "-t", "3", "-f", "null", "-"));
        System.out.println("pattern generation alone, 3 s: " + bench.lines().filter(l -> l.startsWith("bench:")).findFirst().orElse("(no bench line)"));
    }
}
