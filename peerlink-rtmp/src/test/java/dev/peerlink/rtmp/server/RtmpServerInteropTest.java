package dev.peerlink.rtmp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.rtmp.live.LiveHub;
import dev.peerlink.testkit.tools.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our RTMP server between stock tools: ffmpeg publishes a live test pattern into it; ffmpeg, ffprobe and rtmpdump
 * play it out, and what they recorded is checked with ffprobe (codec, size, frames).
 */
class RtmpServerInteropTest {
    @TempDir
    Path dir;

    private final LiveHub hub = new LiveHub();
    private RtmpServer server;
    private ExternalTool publisher;

    @BeforeEach
    void start() throws Exception {
        ExternalTool.assumeOnPath("ffmpeg", "ffmpeg");
        server = RtmpServer.builder().hub(hub).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void publishTestPattern(int seconds) throws Exception {
        publisher = ExternalTool.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "flv",
                server.url("live", "cam")));
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.isPublishing("live/cam") || !publisher.isAlive());
        assertThat(hub.isPublishing("live/cam")).as(publisher.output()).isTrue();
    }

    private String probe(Path file) throws Exception {
        try (ExternalTool p = ExternalTool.run(Duration.ofSeconds(30), List.of("ffprobe", "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of",
                "default=noprint_wrappers=1", file.toString()))) {
            return p.output();
        }
    }

    @Test
    void ffmpegPublishesAndFfmpegPlaysTheLiveStream() throws Exception {
        publishTestPattern(6);
        Path out = dir.resolve("played.flv");
        try (ExternalTool player = ExternalTool.run(Duration.ofSeconds(30), List.of("ffmpeg", "-hide_banner", "-nostdin",
                "-i", server.url("live", "cam"), "-t", "2", "-c", "copy", "-y", out.toString()))) {
            assertThat(player.exitCode()).as(player.output()).isZero();
        }
        String probe = probe(out);
        assertThat(probe).contains("codec_name=h264", "width=320", "height=240");
        int frames = Integer.parseInt(probe.lines().filter(l -> l.startsWith("nb_read_frames=")).findFirst()
                .orElseThrow().substring("nb_read_frames=".length()).trim());
        assertThat(frames).isBetween(40, 60); // 2 s at 25 fps, from a key frame
    }

    @Test
    void ffprobeReadsTheStreamsCodecAndSize() throws Exception {
        publishTestPattern(6);
        try (ExternalTool p = ExternalTool.run(Duration.ofSeconds(30), List.of("ffprobe", "-v", "error",
                "-show_entries", "stream=codec_name,width,height", "-of", "default=noprint_wrappers=1",
                server.url("live", "cam")))) {
            assertThat(p.output()).contains("codec_name=h264", "width=320", "height=240");
        }
    }

    @Test
    void rtmpdumpRecordsTheLiveStream() throws Exception {
        ExternalTool.assumeOnPath("rtmpdump", "rtmpdump");
        publishTestPattern(8);
        Path out = dir.resolve("dump.flv");
        try (ExternalTool dump = ExternalTool.run(Duration.ofSeconds(30), List.of("rtmpdump", "--live", "-r",
                server.url("live", "cam"), "-B", "2", "-o", out.toString()))) {
            assertThat(Files.size(out)).as(dump.output()).isGreaterThan(10_000);
        }
        assertThat(probe(out)).contains("codec_name=h264", "width=320", "height=240");
    }

    @Test
    void aSecondPublisherOfTheSameKeyIsRefused() throws Exception {
        publishTestPattern(6);
        try (ExternalTool second = ExternalTool.run(Duration.ofSeconds(20), List.of("ffmpeg", "-hide_banner", "-nostdin",
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "3", "-c:v", "libx264", "-f", "flv",
                server.url("live", "cam")))) {
            assertThat(second.exitCode()).as(second.output()).isNotZero();
        }
        assertThat(hub.isPublishing("live/cam")).isTrue();
    }

    @Test
    void aPolicyRefusesPublishingUnderTheWrongKey() throws Exception {
        server.close();
        server = RtmpServer.builder().hub(hub).policy(new RtmpServerPolicy() {
            public boolean mayPublish(java.net.InetSocketAddress r, String app, String key) { return key.equals("secret"); }
            public boolean mayPlay(java.net.InetSocketAddress r, String app, String key) { return true; }
        }).start();
        try (ExternalTool wrong = ExternalTool.run(Duration.ofSeconds(20), List.of("ffmpeg", "-hide_banner", "-nostdin",
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "3", "-c:v", "libx264", "-f", "flv",
                server.url("live", "guess")))) {
            assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
        }
        assertThat(hub.keys()).doesNotContain("live/guess");
    }
}
