package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.flv.FlvTag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real 2 s encode of the colour bars at 320x240, 15 fps, checked as tags and as a recorded file. */
class TestPatternEncodeTest {
    private static final int FPS = 15;
    @TempDir
    static Path dir;
    private static TagLog log;
    private static EncoderExit exit;
    private static Path recording;

    @BeforeAll
    static void encode() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        EncoderSettings settings = EncoderSettings.defaults().withSize(320, 240).withFps(FPS).withBitrate(400).withDurationMillis(2000);
        assertThat(settings.gopFrames()).isEqualTo(FPS);
        log = new TagLog();
        recording = dir.resolve("bars.flv");
        try (FlvRecorder recorder = FlvRecorder.create(recording, false, true);
                FfmpegEncoder encoder = FfmpegEncoder.start(ffmpeg, new CastSource.TestPattern(CastSource.Pattern.BARS), settings,
                        t -> {
                            log.accept(t);
                            recorder.accept(t);
                        })) {
            exit = encoder.exit().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void endsCleanlyAtTheDuration() {
        assertThat(exit.clean()).as(exit.describe()).isTrue();
        assertThat(exit.exitCode()).isZero();
        assertThat(exit.requested()).isFalse();
    }

    @Test
    void startsWithMetadataThenTheAvcSequenceHeader() {
        List<FlvTag> tags = log.tags();
        assertThat(TagLog.isOnMetaData(tags.get(0))).as("first tag %s is onMetaData", tags.get(0)).isTrue();
        assertThat(tags.get(1).isAvcSequenceHeader()).isTrue();
        assertThat(tags.get(2).isKeyFrame()).isTrue();
        assertThat(tags).filteredOn(FlvTag::isAvcSequenceHeader).hasSize(1);
        assertThat(tags).noneMatch(FlvTag::isAudio);
    }

    @Test
    void framesAtTheRateWithAKeyFrameEveryGopAndNoBFrames() {
        List<FlvTag> frames = log.frames();
        assertThat(frames).hasSizeBetween(2 * FPS - 2, 2 * FPS + 1);
        List<Integer> keyIndexes = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).isKeyFrame()) {
                keyIndexes.add(i);
            }
        }
        assertThat(keyIndexes).containsExactly(0, FPS);
        assertThat(frames).allSatisfy(f -> assertThat(TagLog.compositionTime(f)).as("composition time of %s", f).isZero());
        long previous = -1;
        for (FlvTag f : frames) {
            assertThat(f.timestamp()).isGreaterThan(previous);
            previous = f.timestamp();
        }
        assertThat(frames.get(frames.size() - 1).timestamp()).isBetween(1800L, 2000L);
    }

    @Test
    void recordingIsH264OfTheSizeAndFrameCountFfprobeExpects() throws Exception {
        assertThat(Files.size(recording)).isGreaterThan(1000);
        String out = MediaTools.run(MediaTools.cmd("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,profile,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1", recording.toString()));
        Map<String, String> stream = out.lines().filter(l -> l.contains("=")).collect(Collectors.toMap(l -> l.split("=")[0], l -> l.split("=", 2)[1]));
        assertThat(stream).containsEntry("codec_name", "h264").containsEntry("width", "320").containsEntry("height", "240")
                .containsEntry("profile", "Main");
        assertThat(Integer.parseInt(stream.get("nb_read_frames"))).isEqualTo(log.frameCount());
    }
}
