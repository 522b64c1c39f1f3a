package dev.peerlink.cast.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the ffmpeg argument list for a source and settings: a pure function, so every option is unit-tested without
 * running ffmpeg. The output is always H.264 in FLV on stdout, the RTMP payload format as is.
 */
public final class FfmpegCommand {
    /** Muxer flags: no zero duration/filesize metadata on a pipe, and no AVC end-of-sequence tag at exit, which would
     * end the stream for the players when {@link FfmpegEncoder#setBitrate} restarts ffmpeg mid-cast. */
    static final String FLV_FLAGS = "no_duration_filesize+no_sequence_end";

    private FfmpegCommand() {}

    /**
     * @param startMillis media time to start from: a file source seeks there (used when a restart continues a file);
     *                    live sources ignore it
     */
    public static List<String> build(String ffmpeg, CastSource source, EncoderSettings s, long startMillis) {
        List<String> a = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostats", "-loglevel", "warning"));
        input(a, source, s, startMillis);
        if (s.durationMillis() > 0) {
            a.addAll(List.of("-t", seconds(Math.max(1, s.durationMillis() - startMillis))));
        }
        a.addAll(List.of("-map", "0:v:0"));
        String filters = filters(source, s);
        if (!filters.isEmpty()) {
            a.addAll(List.of("-vf", filters));
        }
        a.addAll(List.of("-c:v", "libx264", "-preset", s.preset(), "-tune", "zerolatency", "-profile:v", s.profile(), "-pix_fmt", "yuv420p",
                // no B-frames (no reordering delay); key frames strictly every GOP: no scene-cut key frames, whose bursts
                // would arrive at random and whose cadence the relay's drop-to-key-frame relies on
                "-bf", "0", "-g", Integer.toString(s.gopFrames()), "-sc_threshold", "0",
                "-b:v", s.bitrateKbps() + "k", "-maxrate", s.bitrateKbps() + "k", "-bufsize", s.bufsizeKbit() + "k"));
        if (s.audio() && hasAudio(source)) {
            a.addAll(List.of("-map", "0:a:0?", "-c:a", "aac", "-b:a", "128k", "-ar", "44100"));
        } else {
            a.add("-an");
        }
        a.addAll(List.of("-f", "flv", "-flvflags", FLV_FLAGS, "-flush_packets", "1", "pipe:1"));
        return List.copyOf(a);
    }

    /** The size the clock source's raw frames must have. */
    public static int[] generatedSize(EncoderSettings s) {
        return s.scaled() ? new int[] {s.width(), s.height()} : new int[] {EncoderSettings.FALLBACK_WIDTH, EncoderSettings.FALLBACK_HEIGHT};
    }

    private static void input(List<String> a, CastSource source, EncoderSettings s, long startMillis) {
        int[] size = generatedSize(s);
        switch (source) {
            case CastSource.Screen screen -> a.addAll(List.of("-f", "x11grab", "-framerate", Integer.toString(s.fps()), "-draw_mouse", "1",
                    "-i", screen.display()));
            case CastSource.TestPattern p -> a.addAll(List.of("-re", "-f", "lavfi",
                    "-i", p.pattern().filter + "=size=" + size[0] + "x" + size[1] + ":rate=" + s.fps()));
            case CastSource.MediaFile f -> {
                a.add("-re");
                if (f.loop()) {
                    a.addAll(List.of("-stream_loop", "-1"));
                }
                if (startMillis > 0) {
                    a.addAll(List.of("-ss", seconds(startMillis)));
                }
                a.addAll(List.of("-i", f.file().toString()));
            }
            // stream analysis bounded to 0.5 s (default 5 s) so the first picture comes soon; not -fflags nobuffer, which
            // throws away the frames read during the analysis
            case CastSource.RtmpIngest in -> a.addAll(List.of("-f", "flv", "-listen", "1", "-analyzeduration", "500000", "-i", in.url().toString()));
            case CastSource.Clock c -> a.addAll(List.of("-f", "rawvideo", "-pix_fmt", "gray", "-video_size", size[0] + "x" + size[1],
                    "-framerate", Integer.toString(s.fps()), "-i", "pipe:0"));
        }
    }

    private static String filters(CastSource source, EncoderSettings s) {
        List<String> f = new ArrayList<>();
        boolean natural = source instanceof CastSource.Screen || source instanceof CastSource.MediaFile || source instanceof CastSource.RtmpIngest;
        if (source instanceof CastSource.MediaFile || source instanceof CastSource.RtmpIngest) {
            f.add("fps=" + s.fps()); // their frame rate is whatever the file or publisher has
        }
        if (natural) {
            // yuv420p needs even dimensions; a screen or file may be odd-sized
            f.add(s.scaled() ? "scale=" + s.width() + ":" + s.height() + ":flags=bilinear" : "scale=trunc(iw/2)*2:trunc(ih/2)*2:flags=bilinear");
        }
        return String.join(",", f);
    }

    private static boolean hasAudio(CastSource source) {
        return source instanceof CastSource.MediaFile || source instanceof CastSource.RtmpIngest;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }
}
