package dev.peerlink.cast.web;

import dev.peerlink.rtmp.flv.FlvReader;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ffmpeg's live x264 encode of the SMPTE bars (the sender's low-latency settings), demuxed into a feed. */
final class TestEncoder implements AutoCloseable {
    private final Process ffmpeg;

    private TestEncoder(Process ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    static boolean available() {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(dir -> new File(dir, "ffmpeg").canExecute());
    }

    /** Starts encoding 640×360 at 25 fps in real time; each tag goes to {@code feed}, which ends when ffmpeg does. */
    static TestEncoder start(SimpleTagFeed feed, CastStatus status) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                "-i", "smptebars=size=640x360:rate=25", "-c:v", "libx264", "-tune", "zerolatency", "-preset", "ultrafast",
                "-bf", "0", "-g", "25", "-pix_fmt", "yuv420p", "-f", "flv", "pipe:1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread.ofPlatform().daemon().name("ffmpeg-flv").start(() -> {
            try {
                new FlvReader().readAll(p.getInputStream(), tag -> {
                    feed.publish(tag);
                    if (tag.isVideo()) {
                        status.frameReceived();
                    }
                });
            } catch (Exception e) {
                // ffmpeg stopped by the test: the stream ends mid-tag
            } finally {
                feed.end();
            }
        });
        return new TestEncoder(p);
    }

    /** Stops ffmpeg (SIGTERM, then SIGKILL); true if it exited. */
    boolean stop() throws InterruptedException {
        ffmpeg.destroy();
        if (ffmpeg.waitFor(5, TimeUnit.SECONDS)) {
            return true;
        }
        ffmpeg.destroyForcibly();
        return ffmpeg.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
