package dev.peerlink.cast.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A stock client (ffprobe) reads our /live.flv: the HTTP-FLV is plain FLV, not something only our page understands. */
class HttpFlvInteropTest {
    @Test
    void ffprobeReadsCodecAndSizeFromLiveFlv() throws Exception {
        Assumptions.assumeTrue(TestEncoder.available(), "no ffmpeg/ffprobe on PATH (apt-get install ffmpeg)");
        SimpleTagFeed feed = new SimpleTagFeed();
        CastStatus status = new CastStatus();
        try (CastWebServer server = CastWebServer.start(0, feed, status);
             TestEncoder encoder = TestEncoder.start(feed, status)) {
            Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-analyzeduration", "500000",
                    "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0",
                    server.url() + "live.flv").redirectErrorStream(true).start();
            try {
                assertThat(probe.waitFor(20, TimeUnit.SECONDS)).as("ffprobe finished").isTrue();
                String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertThat(out).isEqualTo("h264,640,360");
                assertThat(probe.exitValue()).isZero();
            } finally {
                probe.destroyForcibly();
            }
        }
    }
}
