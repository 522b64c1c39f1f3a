package dev.peerlink.bench.cast;

import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.FfmpegCommand;
import dev.peerlink.cast.media.internal.ClockFeeder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference glass: the same clock frames ({@link ClockFeeder}, as the sender's encoder gets them) through the same
 * encoder command ({@link FfmpegCommand}, the sender's exact x264 options), but ffmpeg serves the FLV itself as a
 * one-client RTMP server ({@code -listen 1}) instead of writing it to a pipe: plain ffmpeg-to-ffmpeg RTMP, no peerlink
 * in between. What our path adds is the difference to this.
 */
final class ClockReference implements AutoCloseable {
    private final Process process;
    private final ClockFeeder feeder;
    private final String url;

    private ClockReference(Process process, ClockFeeder feeder, String url) {
        this.process = process;
        this.feeder = feeder;
        this.url = url;
    }

    static ClockReference start(String ffmpeg, EncoderSettings settings, int port) throws IOException {
        String url = "rtmp://127.0.0.1:" + port + "/ref/live";
        List<String> cmd = new ArrayList<>(FfmpegCommand.build(ffmpeg, new CastSource.Clock(), settings, 0));
        if (!cmd.getLast().equals("pipe:1")) {
            throw new IllegalStateException("unexpected encoder command (output is not pipe:1): " + cmd);
        }
        cmd.removeLast();
        cmd.addAll(List.of("-listen", "1", url));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int[] size = FfmpegCommand.generatedSize(settings);
        ClockFeeder feeder = new ClockFeeder(p.getOutputStream(), size[0], size[1], settings.fps());
        Thread.ofPlatform().daemon().name("reference-clock").start(feeder); // steady pacing: a platform thread, as the sender's
        return new ClockReference(p, feeder, url);
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        feeder.stop();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
