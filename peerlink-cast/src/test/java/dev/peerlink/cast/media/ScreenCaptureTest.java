package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peerlink.rtmp.flv.FlvTag;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** x11grab of a virtual X server started for the test. */
class ScreenCaptureTest {
    private Process xvfb;

    @AfterEach
    void stopXvfb() throws InterruptedException {
        if (xvfb != null) {
            xvfb.destroy();
            if (!xvfb.waitFor(5, TimeUnit.SECONDS)) {
                xvfb.destroyForcibly();
            }
        }
    }

    @Test
    void capturesTheXvfbScreen() throws Exception {
        assumeTrue(MediaTools.onPath("Xvfb"), "needs Xvfb (Debian: apt-get install xvfb)");
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        // -displayfd 1: Xvfb picks a free display number and prints it on stdout once it accepts connections
        xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8));
        String display = ":" + CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine().strip();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(15, TimeUnit.SECONDS);

        TagLog log = new TagLog();
        EncoderSettings settings = EncoderSettings.defaults().withSize(320, 240).withFps(10).withBitrate(300).withDurationMillis(1500);
        CastSource source = CastSource.parse("screen", Map.of("DISPLAY", display), false);
        try (FfmpegEncoder encoder = FfmpegEncoder.start(ffmpeg, source, settings, log)) {
            EncoderExit exit = encoder.exit().get(15, TimeUnit.SECONDS);
            assertThat(exit.clean()).as(exit.describe()).isTrue();
        }
        List<FlvTag> tags = log.tags();
        assertThat(tags).filteredOn(FlvTag::isAvcSequenceHeader).hasSize(1);
        assertThat(log.frames().get(0).isKeyFrame()).isTrue();
        assertThat(log.frameCount()).as("1.5 s at 10 fps").isBetween(13, 16);
    }
}
