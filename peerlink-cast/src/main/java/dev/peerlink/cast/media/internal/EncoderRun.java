package dev.peerlink.cast.media.internal;

import dev.peerlink.cast.media.EncoderExit;
import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.flv.FlvReader;
import dev.peerlink.rtmp.flv.FlvTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One ffmpeg process: started with FLV on stdout, demuxed on a virtual thread into tags for {@code tags}, stderr
 * drained into a {@link StderrRing}. {@link #stop} asks it to finish (q on stdin, or end of stdin when stdin carries
 * raw frames), then escalates to SIGTERM and SIGKILL. {@link #ended()} completes once the process is gone and every tag
 * it wrote has been handed on.
 */
public final class EncoderRun {
    private static final int STDERR_LINES = 40;
    private final Process process;
    private final StderrRing stderr = new StderrRing(STDERR_LINES);
    private final CompletableFuture<EncoderExit> ended = new CompletableFuture<>();
    private final ClockFeeder feeder;
    private final Thread stderrThread;
    private volatile boolean stopRequested;
    private volatile String error;
    private volatile boolean sawTag;

    /** @param clockSize the raw frame size when stdin carries {@code ClockPattern} frames, else null */
    public EncoderRun(List<String> command, Consumer<FlvTag> tags, int[] clockSize, int fps) throws IOException {
        process = new ProcessBuilder(command).start();
        stderrThread = Thread.ofVirtual().name("ffmpeg-stderr-" + process.pid()).start(() -> stderr.drain(process.getErrorStream()));
        if (clockSize != null) {
            feeder = new ClockFeeder(process.getOutputStream(), clockSize[0], clockSize[1], fps);
            Thread.ofPlatform().daemon().name("clock-frames-" + process.pid()).start(feeder); // steady pacing: a platform thread
        } else {
            feeder = null;
        }
        Thread.ofVirtual().name("ffmpeg-flv-" + process.pid()).start(() -> pump(tags));
    }

    public long pid() {
        return process.pid();
    }

    /** ffmpeg's CPU time so far (user + system), while it runs. */
    public Optional<Duration> cpuTime() {
        return process.info().totalCpuDuration();
    }

    public List<String> stderr() {
        return stderr.lines();
    }

    public CompletableFuture<EncoderExit> ended() {
        return ended;
    }

    /** Asks ffmpeg to finish, escalating after {@code grace}; returns once it has ended (or after its own bounded waits). */
    public void stop(Duration grace) {
        stopRequested = true;
        if (process.isAlive()) {
            politeStop();
            if (!waitFor(grace)) {
                process.destroy(); // SIGTERM: ffmpeg still writes its trailer
                if (!waitFor(Duration.ofSeconds(2))) {
                    process.destroyForcibly();
                    waitFor(Duration.ofSeconds(2));
                }
            }
        }
        try {
            ended.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the pump thread is stuck in the consumer: the caller moves on, the exit will complete when it returns
        }
    }

    private void politeStop() {
        OutputStream stdin = process.getOutputStream();
        try {
            if (feeder != null) {
                feeder.stop();
            } else if (sawTag) {
                // before the first tag ffmpeg may be blocked opening its input (an ingest waiting for a publisher) and
                // would not read q; there is nothing to flush yet, so SIGTERM below comes sooner
                stdin.write("q\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
            } else {
                process.destroy();
            }
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void pump(Consumer<FlvTag> tags) {
        FlvReader reader = new FlvReader();
        ByteBuf buf = Unpooled.buffer(256 * 1024);
        Consumer<FlvTag> marking = t -> {
            sawTag = true;
            tags.accept(t);
        };
        try (InputStream out = process.getInputStream()) {
            byte[] chunk = new byte[64 * 1024];
            int n;
            while ((n = out.read(chunk)) >= 0) {
                buf.writeBytes(chunk, 0, n);
                reader.decode(buf, marking);
                buf.discardSomeReadBytes();
            }
            if (buf.isReadable()) {
                error = "FLV cut mid-tag (" + buf.readableBytes() + " bytes left)";
            }
        } catch (IOException e) {
            error = "reading ffmpeg's output: " + e.getMessage();
        } catch (RtmpException e) {
            error = "ffmpeg's FLV output: " + e.getMessage();
        } catch (RuntimeException e) {
            error = "tag consumer failed: " + e;
        } finally {
            buf.release();
        }
        if (error != null) {
            process.destroyForcibly();
        }
        int code = awaitExit();
        try {
            stderrThread.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (feeder != null) {
            feeder.stop();
        }
        ended.complete(new EncoderExit(code, stopRequested, error, stderr.lines()));
    }

    private int awaitExit() {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the exit code is what this thread exists to report
            }
        }
    }
}
