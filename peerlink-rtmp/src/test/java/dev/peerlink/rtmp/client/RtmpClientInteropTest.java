package dev.peerlink.rtmp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.rtmp.flv.FlvReader;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.live.LiveHub;
import dev.peerlink.rtmp.live.Subscription;
import dev.peerlink.rtmp.server.RtmpServer;
import dev.peerlink.testkit.tools.ExternalTool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our RTMP client against stock ffmpeg as the server (listen mode) — the seed's reverse case, where the PC dials the
 * phone and plays — and against our own server.
 */
class RtmpClientInteropTest {
    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        ExternalTool.assumeOnPath("ffmpeg", "ffmpeg");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Whether something accepts TCP on the loopback port (ss, not a connect: ffmpeg's listen mode takes one client). */
    private static boolean listening(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(5, TimeUnit.SECONDS);
        return out.contains(":" + port);
    }

    /** A 2 s, 25 fps H.264 test pattern as FLV tags, encoded by ffmpeg. */
    private static List<FlvTag> encodedPattern() throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "0",
                "-pix_fmt", "yuv420p", "-f", "flv", "pipe:1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<FlvTag> tags = new ArrayList<>();
        new FlvReader().readAll(p.getInputStream(), tags::add);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return tags;
    }

    @Test
    void playsFromFfmpegInListenModeAsThePcDoesAfterDiallingBack() throws Exception {
        int port = freePort();
        String url = "rtmp://127.0.0.1:" + port + "/cast/live";
        try (ExternalTool phone = ExternalTool.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "flv", "-listen", "1", url))) {
            List<FlvTag> got = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
            RtmpPlaying playing = RtmpClient.play(RtmpUrl.parse(url), got::add).get(10, TimeUnit.SECONDS);
            playing.closed().get(30, TimeUnit.SECONDS);
            assertThat(got).as(phone.output()).anyMatch(FlvTag::isAvcSequenceHeader);
            long frames = got.stream().filter(t -> t.isVideo() && t.body().length > 1 && t.body()[1] == 1).count();
            assertThat(frames).isBetween(95L, 100L); // 4 s at 25 fps, all of it: ffmpeg serves one player from the start
            assertThat(got.stream().filter(FlvTag::isVideo).filter(t -> !t.isAvcSequenceHeader()).findFirst().orElseThrow()
                    .isKeyFrame()).isTrue();
        }
    }

    @Test
    void publishesToFfmpegInListenModeWhichRecordsIt() throws Exception {
        List<FlvTag> tags = encodedPattern();
        int port = freePort();
        String url = "rtmp://127.0.0.1:" + port + "/live/in";
        Path out = dir.resolve("received.flv");
        try (ExternalTool pc = ExternalTool.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-listen", "1", "-f", "flv",
                "-i", url, "-c", "copy", "-y", out.toString()))) {
            // ffmpeg's listen mode accepts one connection: wait until it listens, then connect once
            await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
            RtmpPublishing pub;
            try {
                pub = RtmpClient.publish(RtmpUrl.parse(url)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("publish failed: " + e + "\n" + pc.output(), e);
            }
            for (FlvTag t : tags) {
                await().atMost(Duration.ofSeconds(5)).until(() -> pub.offer(t));
            }
            pub.close();
            assertThat(pc.waitFor(Duration.ofSeconds(20))).as(pc.output()).isZero();
        }
        try (ExternalTool probe = ExternalTool.run(Duration.ofSeconds(20), List.of("ffprobe", "-v", "error", "-count_frames",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1",
                out.toString()))) {
            assertThat(probe.output()).contains("codec_name=h264", "width=320", "height=240", "nb_read_frames=50");
        }
    }

    @Test
    void publishesToOurServerAndAnotherClientPlaysIt() throws Exception {
        List<FlvTag> tags = encodedPattern();
        LiveHub hub = new LiveHub();
        try (RtmpServer server = RtmpServer.builder().hub(hub).start()) {
            List<FlvTag> got = new CopyOnWriteArrayList<>();
            RtmpPlaying player = RtmpClient.play(RtmpClient.url(server.address(), "cast", "live"), got::add)
                    .get(10, TimeUnit.SECONDS);
            RtmpPublishing pub = RtmpClient.publish(RtmpClient.url(server.address(), "cast", "live")).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.isPublishing("cast/live"));
            for (FlvTag t : tags) {
                await().atMost(Duration.ofSeconds(5)).until(() -> pub.offer(t));
            }
            long sent = tags.stream().filter(t -> t.isVideo() && !t.isAvcSequenceHeader()).count();
            await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().filter(t -> t.isVideo() && !t.isAvcSequenceHeader()).count() == sent);
            assertThat(got.get(0).type()).isEqualTo(FlvTag.SCRIPT);
            assertThat(got).anyMatch(FlvTag::isAvcSequenceHeader);
            pub.close();
            player.closed().get(10, TimeUnit.SECONDS); // the server tells the player the stream ended
        }
    }
}
