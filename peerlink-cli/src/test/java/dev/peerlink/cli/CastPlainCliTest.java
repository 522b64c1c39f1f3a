package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.tools.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cast receive --plain}: the stock-client URL is printed, ffmpeg publishes to it, the receiver reports the
 * {@code plain} path, records the stream and shows a fresh code (and URL) afterwards. On loopback.
 */
class CastPlainCliTest {
    private static final Pattern PLAIN = Pattern.compile("\"plain\":\"(rtmp://127\\.0\\.0\\.1:\\d+/cast/([0-9a-f]{32}))\"");

    @TempDir
    Path dir;

    @Test
    void aStockClientCastsToThePrintedUrl() throws Exception {
        ExternalTool.assumeOnPath("ffmpeg", "ffmpeg");
        ExternalTool.assumeOnPath("ffprobe", "ffmpeg");
        Path flv = dir.resolve("cast.flv");
        try (CliProcess rx = CliProcess.start("cast", "receive", "--id", "office-pc", "--home", dir.resolve("home").toString(),
                "--listen", "127.0.0.1:0", "--plain", "127.0.0.1:0", "--web", "off", "--record", flv.toString())) {
            String ready = rx.await("\"event\":\"ready\"", Duration.ofSeconds(30));
            String waiting = rx.await("\"event\":\"waiting\"", Duration.ofSeconds(5));
            Matcher m = PLAIN.matcher(ready);
            assertThat(m.find()).as(ready).isTrue();
            String url = m.group(1);
            assertThat(waiting).as("the waiting line carries the same URL").contains(url);
            assertThat(rx.output()).contains("ffmpeg -re -i in.mp4 -c:v libx264 -f flv " + url);

            try (ExternalTool ffmpeg = ExternalTool.run(Duration.ofSeconds(30), List.of("ffmpeg", "-hide_banner", "-nostdin",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264", "-preset", "veryfast",
                    "-g", "25", "-pix_fmt", "yuv420p", "-f", "flv", url))) {
                assertThat(ffmpeg.exitCode()).as(ffmpeg.output()).isZero();
            }
            rx.await("\\{\"event\":\"casting\",\"path\":\"plain\",\"peer\":\"127\\.0\\.0\\.1:\\d+\"}", Duration.ofSeconds(10));
            rx.await("\\{\"event\":\"ended\",\"path\":\"plain\"", Duration.ofSeconds(10));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> rx.lines.stream().filter(l -> l.contains("\"event\":\"waiting\"")).count() == 2);
            String next = rx.lines.stream().filter(l -> l.contains("\"event\":\"waiting\"")).skip(1).findFirst().orElseThrow();
            Matcher n = PLAIN.matcher(next);
            assertThat(n.find()).as(next).isTrue();
            assertThat(n.group(2)).as("a fresh token").isNotEqualTo(m.group(2));
            System.out.println("cast receive --plain printed:\n  " + ready + "\n  " + waiting);
        }
        try (ExternalTool probe = ExternalTool.run(Duration.ofSeconds(30), List.of("ffprobe", "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", flv.toString()))) {
            assertThat(probe.exitCode()).as(probe.output()).isZero();
            assertThat(probe.output().trim()).matches("h264,(4[5-9]|50)");
        }
    }
}
