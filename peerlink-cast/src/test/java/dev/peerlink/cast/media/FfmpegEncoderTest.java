package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.rtmp.flv.FlvTag;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder's lifecycle with a real ffmpeg: sources other than the test pattern, stopping, failing, restarting. */
class FfmpegEncoderTest {
    private static final EncoderSettings SMALL = EncoderSettings.defaults().withSize(160, 120).withFps(15).withBitrate(300);
    @TempDir
    Path dir;
    private FfmpegEncoder encoder;
    private Process publisher;

    @AfterEach
    void stop() {
        if (encoder != null) {
            encoder.close();
        }
        if (publisher != null) {
            publisher.destroyForcibly();
        }
    }

    @Test
    void fileSourceIsReencodedAtTheAskedSizeAndRate() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        Path clip = dir.resolve("clip.mp4");
        MediaTools.run(MediaTools.cmd("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "1", "-c:v", "libx264",
                "-preset", "ultrafast", clip.toString()));
        Path out = dir.resolve("out.flv");
        TagLog log = new TagLog();
        try (FlvRecorder rec = FlvRecorder.create(out, false, true)) {
            encoder = FfmpegEncoder.start(ffmpeg, CastSource.parse(clip.toString(), Map.of(), false), SMALL, t -> {
                log.accept(t);
                rec.accept(t);
            });
            EncoderExit exit = encoder.exit().get(15, TimeUnit.SECONDS);
            assertThat(exit.clean()).as(exit.describe()).isTrue();
        }
        assertThat(log.frameCount()).as("1 s at 15 fps").isBetween(14, 16);
        String probe = MediaTools.run(MediaTools.cmd("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                "-of", "csv=p=0", out.toString()));
        assertThat(probe.strip()).isEqualTo("160,120");
    }

    @Test
    void ingestReencodesWhatAPublisherSends() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        int port = freePort();
        String url = "rtmp://127.0.0.1:" + port + "/live/test";
        TagLog log = new TagLog();
        encoder = FfmpegEncoder.start(ffmpeg, CastSource.parse(url, Map.of(), false), SMALL, log);
        assertThat(encoder.canChangeBitrate()).isFalse();
        assertThatThrownBy(() -> encoder.setBitrate(100)).isInstanceOf(IllegalStateException.class).hasMessageContaining("publisher");
        await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
        publisher = new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-t", "2", "-c:v",
                "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15", "-f", "flv", url)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        EncoderExit exit = encoder.exit().get(20, TimeUnit.SECONDS);
        assertThat(exit.clean()).as(exit.describe()).isTrue();
        assertThat(publisher.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(publisher.exitValue()).isZero();
        assertThat(log.tags()).filteredOn(FlvTag::isAvcSequenceHeader).hasSize(1);
        assertThat(log.frameCount()).as("2 s at 15 fps").isBetween(26, 31);
    }

    @Test
    void ingestWaitingForAPublisherStopsOnClose() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        int port = freePort();
        encoder = FfmpegEncoder.start(ffmpeg, new CastSource.RtmpIngest(URI.create("rtmp://127.0.0.1:" + port + "/live/k")), SMALL, t -> {});
        await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
        long start = System.nanoTime();
        encoder.close();
        EncoderExit exit = encoder.exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.requested()).isTrue();
        assertThat(exit.clean()).isTrue();
        System.out.printf("ingest without publisher stopped in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(listening(port)).isFalse();
    }

    @Test
    void closeStopsALiveEncoderWithQ() throws Exception {
        TagLog log = new TagLog();
        encoder = FfmpegEncoder.start(MediaTools.ffmpeg(), new CastSource.TestPattern(CastSource.Pattern.BARS), SMALL, log);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.frameCount() >= 5);
        encoder.close();
        EncoderExit exit = encoder.exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.requested()).isTrue();
        assertThat(exit.exitCode()).as("q ends ffmpeg normally, not by a signal: %s", exit.describe()).isZero();
        int frames = log.frameCount();
        encoder.close(); // idempotent
        assertThat(log.frameCount()).isEqualTo(frames);
    }

    @Test
    void aFailingInputReportsFfmpegsLastWords() throws Exception {
        Path notVideo = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(100));
        encoder = FfmpegEncoder.start(MediaTools.ffmpeg(), new CastSource.MediaFile(notVideo, false), SMALL, t -> {});
        EncoderExit exit = encoder.exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.clean()).isFalse();
        assertThat(exit.requested()).isFalse();
        assertThat(exit.exitCode()).isNotZero();
        assertThat(exit.lastStderr()).anyMatch(l -> l.contains("Invalid data"));
        assertThat(exit.describe()).startsWith("ffmpeg exited with code " + exit.exitCode()).contains("notes.mp4");
    }

    @Test
    void aThrowingConsumerEndsTheEncoderWithTheReason() throws Exception {
        encoder = FfmpegEncoder.start(MediaTools.ffmpeg(), new CastSource.TestPattern(CastSource.Pattern.BARS), SMALL, t -> {
            if (t.isKeyFrame()) {
                throw new IllegalStateException("queue full");
            }
        });
        EncoderExit exit = encoder.exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.clean()).isFalse();
        assertThat(exit.error()).contains("tag consumer failed").contains("queue full");
    }

    @Test
    void setBitrateRestartsWithMonotonicTimestampsAndANewSequenceHeader() throws Exception {
        TagLog log = new TagLog();
        EncoderSettings s = EncoderSettings.defaults().withSize(320, 240).withFps(15).withBitrate(600);
        encoder = FfmpegEncoder.start(MediaTools.ffmpeg(), new CastSource.TestPattern(CastSource.Pattern.MOVING), s, log);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.frameCount() >= 30);
        int before = log.tags().size();
        encoder.setBitrate(150);
        assertThat(encoder.settings().bitrateKbps()).isEqualTo(150);
        assertThat(encoder.restarts()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.frameCount() >= 60);
        encoder.close();
        assertThat(encoder.exit().get(10, TimeUnit.SECONDS).requested()).isTrue();

        List<TagLog.Arrival> all = log.arrivals();
        long previous = -1;
        for (TagLog.Arrival a : all) {
            assertThat(a.tag().timestamp()).as("monotonic at %s", a.tag()).isGreaterThanOrEqualTo(previous);
            previous = a.tag().timestamp();
        }
        List<FlvTag> tags = log.tags();
        assertThat(tags).filteredOn(t -> t.type() == FlvTag.SCRIPT).as("onMetaData once").hasSize(1);
        int secondHeader = -1;
        for (int i = before; i < tags.size(); i++) {
            if (tags.get(i).isAvcSequenceHeader()) {
                secondHeader = i;
                break;
            }
        }
        assertThat(secondHeader).as("a new sequence header after the restart").isPositive();
        assertThat(tags.get(secondHeader + 1).isKeyFrame()).isTrue();

        // the restart gap in wall time and in media time, and the effect of the new bitrate
        long gapWall = all.get(secondHeader).wallMillis() - all.get(secondHeader - 1).wallMillis();
        long gapMedia = tags.get(secondHeader).timestamp() - tags.get(secondHeader - 1).timestamp();
        double bytesBefore = averageFrameBytes(tags.subList(0, secondHeader));
        double bytesAfter = averageFrameBytes(tags.subList(secondHeader, tags.size()));
        System.out.printf("bitrate restart: gap %d ms wall, %d ms media; frame size %.0f B at 600k -> %.0f B at 150k%n", gapWall, gapMedia,
                bytesBefore, bytesAfter);
        assertThat(gapMedia).isGreaterThanOrEqualTo(1000 / 15);
        assertThat(bytesAfter).isLessThan(bytesBefore * 0.6);
    }

    private static double averageFrameBytes(List<FlvTag> tags) {
        return tags.stream().filter(TagLog::isPicture).mapToInt(t -> t.body().length).average().orElseThrow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** True when something listens on 127.0.0.1:port; read from /proc so the probe does not consume ffmpeg's one accept. */
    private static boolean listening(int port) throws IOException {
        Path tcp = Path.of("/proc/net/tcp");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(tcp), "needs /proc/net/tcp to see ffmpeg listen");
        String local = String.format("0100007F:%04X", port);
        List<String> rows = Files.readAllLines(tcp).stream().skip(1).map(String::trim).collect(Collectors.toList());
        return rows.stream().map(r -> r.split("\\s+")).anyMatch(f -> f[1].equals(local) && f[3].equals("0A"));
    }
}
