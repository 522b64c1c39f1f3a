package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegCommandTest {
    private static final EncoderSettings S = EncoderSettings.defaults().withSize(640, 360).withFps(25).withBitrate(1200);

    private static String valueOf(List<String> args, String option) {
        int i = args.lastIndexOf(option); // output options come last
        assertThat(i).as("option %s in %s", option, args).isNotNegative();
        return args.get(i + 1);
    }

    /** The options every source shares: low-latency H.264 into FLV on stdout. */
    private static void assertLowLatencyFlvOutput(List<String> a, EncoderSettings s) {
        assertThat(valueOf(a, "-c:v")).isEqualTo("libx264");
        assertThat(valueOf(a, "-tune")).isEqualTo("zerolatency");
        assertThat(valueOf(a, "-preset")).isEqualTo(s.preset());
        assertThat(valueOf(a, "-profile:v")).isEqualTo(s.profile());
        assertThat(valueOf(a, "-bf")).isEqualTo("0");
        assertThat(valueOf(a, "-g")).isEqualTo(Integer.toString(s.gopFrames()));
        assertThat(valueOf(a, "-sc_threshold")).isEqualTo("0");
        assertThat(valueOf(a, "-b:v")).isEqualTo(s.bitrateKbps() + "k");
        assertThat(valueOf(a, "-maxrate")).isEqualTo(s.bitrateKbps() + "k");
        assertThat(valueOf(a, "-bufsize")).isEqualTo(s.bufsizeKbit() + "k");
        assertThat(valueOf(a, "-pix_fmt")).isEqualTo("yuv420p");
        assertThat(valueOf(a, "-f")).isNotNull();
        assertThat(a.subList(a.size() - 7, a.size())).containsExactly("-f", "flv", "-flvflags", "no_duration_filesize+no_sequence_end",
                "-flush_packets", "1", "pipe:1");
        // inputs come before the output options: the last -i precedes -c:v
        assertThat(a.lastIndexOf("-i")).isLessThan(a.indexOf("-c:v"));
    }

    @Test
    void screenGrabsTheX11DisplayAtTheFrameRateAndScales() {
        List<String> a = FfmpegCommand.build("ffmpeg", new CastSource.Screen(":3"), S, 0);
        assertThat(a.get(0)).isEqualTo("ffmpeg");
        assertThat(Collections.indexOfSubList(a, List.of("-f", "x11grab", "-framerate", "25"))).isNotNegative();
        assertThat(valueOf(a, "-i")).isEqualTo(":3");
        assertThat(valueOf(a, "-vf")).isEqualTo("scale=640:360:flags=bilinear");
        assertThat(a).doesNotContain("-re").contains("-an");
        assertLowLatencyFlvOutput(a, S);
    }

    @Test
    void unscaledScreenIsRoundedToEvenDimensions() {
        List<String> a = FfmpegCommand.build("ffmpeg", new CastSource.Screen(":0"), EncoderSettings.defaults(), 0);
        assertThat(valueOf(a, "-vf")).isEqualTo("scale=trunc(iw/2)*2:trunc(ih/2)*2:flags=bilinear");
    }

    @Test
    void testPatternsAreGeneratedInRealTimeAtTheOutputSize() {
        List<String> bars = FfmpegCommand.build("ffmpeg", new CastSource.TestPattern(CastSource.Pattern.BARS), S, 0);
        assertThat(Collections.indexOfSubList(bars, List.of("-re", "-f", "lavfi", "-i", "smptebars=size=640x360:rate=25"))).isNotNegative();
        assertThat(bars).doesNotContain("-vf");
        assertLowLatencyFlvOutput(bars, S);

        List<String> moving = FfmpegCommand.build("ffmpeg", new CastSource.TestPattern(CastSource.Pattern.MOVING), EncoderSettings.defaults(), 0);
        assertThat(valueOf(moving, "-i")).isEqualTo("testsrc2=size=1280x720:rate=30");
    }

    @Test
    void fileIsReadInRealTimeLoopedSeekedAndResampled() {
        CastSource.MediaFile f = new CastSource.MediaFile(Path.of("/videos/a.mp4"), true);
        List<String> a = FfmpegCommand.build("ffmpeg", f, S, 61_250);
        assertThat(Collections.indexOfSubList(a, List.of("-re", "-stream_loop", "-1", "-ss", "61.250", "-i", "/videos/a.mp4"))).isNotNegative();
        assertThat(valueOf(a, "-vf")).isEqualTo("fps=25,scale=640:360:flags=bilinear");
        assertLowLatencyFlvOutput(a, S);

        List<String> once = FfmpegCommand.build("ffmpeg", new CastSource.MediaFile(Path.of("b.mkv"), false), S, 0);
        assertThat(once).doesNotContain("-stream_loop", "-ss");
    }

    @Test
    void ingestListensForOnePublisherWithAShortAnalysis() {
        URI url = URI.create("rtmp://127.0.0.1:19350/live/key");
        List<String> a = FfmpegCommand.build("ffmpeg", new CastSource.RtmpIngest(url), S, 0);
        assertThat(Collections.indexOfSubList(a, List.of("-f", "flv", "-listen", "1", "-analyzeduration", "500000", "-i", url.toString()))).isNotNegative();
        assertThat(a).doesNotContain("-re");
        assertLowLatencyFlvOutput(a, S);
    }

    @Test
    void clockReadsRawGreyFramesFromStdin() {
        List<String> a = FfmpegCommand.build("ffmpeg", new CastSource.Clock(), S, 0);
        assertThat(Collections.indexOfSubList(a, List.of("-f", "rawvideo", "-pix_fmt", "gray", "-video_size", "640x360", "-framerate", "25",
                "-i", "pipe:0"))).isNotNegative();
        assertThat(FfmpegCommand.generatedSize(S)).containsExactly(640, 360);
        assertThat(FfmpegCommand.generatedSize(EncoderSettings.defaults())).containsExactly(1280, 720);
    }

    @Test
    void durationBecomesMinusTAndShrinksAfterARestartPoint() {
        EncoderSettings s = S.withDurationMillis(10_000);
        assertThat(valueOf(FfmpegCommand.build("ffmpeg", new CastSource.Clock(), s, 0), "-t")).isEqualTo("10.000");
        assertThat(valueOf(FfmpegCommand.build("ffmpeg", new CastSource.Clock(), s, 4_500), "-t")).isEqualTo("5.500");
        assertThat(FfmpegCommand.build("ffmpeg", new CastSource.Clock(), S, 0)).doesNotContain("-t");
    }

    @Test
    void audioIsOffByDefaultAndAacForSourcesThatHaveIt() {
        EncoderSettings withAudio = S.withAudio(true);
        List<String> file = FfmpegCommand.build("ffmpeg", new CastSource.MediaFile(Path.of("a.mp4"), false), withAudio, 0);
        assertThat(valueOf(file, "-c:a")).isEqualTo("aac");
        assertThat(file).contains("0:a:0?").doesNotContain("-an");
        // a test pattern has no audio to encode
        assertThat(FfmpegCommand.build("ffmpeg", new CastSource.TestPattern(CastSource.Pattern.BARS), withAudio, 0)).contains("-an");
    }

    @Test
    void presetProfileGopAndVbvFollowTheSettings() {
        EncoderSettings s = S.withPreset("ultrafast").withProfile("baseline").withGop(50).withVbvMillis(1000);
        List<String> a = FfmpegCommand.build("/opt/ff/ffmpeg", new CastSource.Clock(), s, 0);
        assertThat(a.get(0)).isEqualTo("/opt/ff/ffmpeg");
        assertThat(s.bufsizeKbit()).isEqualTo(1200);
        assertLowLatencyFlvOutput(a, s);
    }
}
