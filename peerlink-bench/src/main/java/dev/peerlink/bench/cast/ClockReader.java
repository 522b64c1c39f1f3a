package dev.peerlink.bench.cast;

import dev.peerlink.cast.media.ClockPattern;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The far end of the glass: ffmpeg plays an RTMP URL and decodes it to raw grey frames on its stdout; this reads each
 * frame as it arrives, reads the sender's clock out of it ({@link ClockPattern}) and keeps (arrival, clock) pairs.
 * Latency of a frame = its arrival − the clock drawn into it (one host, one clock).
 *
 * <p>Input options: {@code -flags low_delay} (no frame-threaded decoding, which holds frames back) and stream analysis
 * bounded to the first packet ({@code -analyzeduration 0 -probesize 32}: the FLV header and AVC sequence header carry
 * what the decoder needs). Not {@code -fflags nobuffer}: ffmpeg then drops what it read while analysing, and at the
 * default 5 s analysis a short cast showed nothing at all.
 */
final class ClockReader implements AutoCloseable {
    static final List<String> INPUT_OPTIONS = List.of("-flags", "low_delay", "-analyzeduration", "0", "-probesize", "32");

    private final Process process;
    private final int width;
    private final int height;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Long> firstFrame = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private long[] arrivals = new long[4096]; // guarded by this
    private long[] clocks = new long[4096]; // guarded by this
    private int frames; // guarded by this
    private int unreadable; // guarded by this

    private ClockReader(Process process, int width, int height) {
        this.process = process;
        this.width = width;
        this.height = height;
        Thread.ofPlatform().daemon().name("clock-reader-" + process.pid()).start(this::read);
        Thread.ofPlatform().daemon().name("clock-reader-log-" + process.pid()).start(this::log);
    }

    static ClockReader start(String ffmpeg, String url, int width, int height) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostats", "-v", "verbose"));
        cmd.addAll(INPUT_OPTIONS);
        cmd.addAll(List.of("-i", url, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"));
        return new ClockReader(new ProcessBuilder(cmd).start(), width, height);
    }

    private void read() {
        byte[] frame = new byte[width * height];
        try (DataInputStream in = new DataInputStream(process.getInputStream())) {
            while (true) {
                in.readFully(frame);
                long now = System.currentTimeMillis();
                OptionalLong t = ClockPattern.read(frame, width, height, 1);
                synchronized (this) {
                    if (t.isEmpty()) {
                        unreadable++;
                    } else {
                        if (frames == arrivals.length) {
                            arrivals = java.util.Arrays.copyOf(arrivals, frames * 2);
                            clocks = java.util.Arrays.copyOf(clocks, frames * 2);
                        }
                        arrivals[frames] = now;
                        clocks[frames] = t.getAsLong();
                        frames++;
                    }
                }
                firstFrame.complete(now);
            }
        } catch (EOFException e) {
            // the stream ended (the publisher left)
        } catch (IOException e) {
            // ffmpeg was stopped
        } finally {
            ended.complete(null);
        }
    }

    /** Drains stderr; ffmpeg's verbose log says when its TCP connection to the RTMP server is up. */
    private void log() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String s;
            while ((s = r.readLine()) != null) {
                if (s.contains("Successfully connected")) {
                    connected.complete(null);
                }
            }
        } catch (IOException e) {
            // gone
        }
        connected.completeExceptionally(new IllegalStateException("the reader ended before it connected"));
    }

    long pid() {
        return process.pid();
    }

    void awaitConnected(Duration timeout) throws Exception {
        connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** When the first decoded frame arrived (ms since the epoch). */
    long awaitFirstFrame(Duration timeout) throws Exception {
        return firstFrame.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void awaitEnd(Duration timeout) throws Exception {
        ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Latencies (ms) of the readable frames that arrived in [from, to). */
    synchronized long[] latencies(long fromMillis, long toMillis) {
        long[] out = new long[frames];
        int n = 0;
        for (int i = 0; i < frames; i++) {
            if (arrivals[i] >= fromMillis && arrivals[i] < toMillis) {
                out[n++] = arrivals[i] - clocks[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The clock of the first readable frame that arrived at or after {@code fromMillis}, or -1. */
    synchronized long firstClockAfter(long fromMillis) {
        for (int i = 0; i < frames; i++) {
            if (arrivals[i] >= fromMillis) {
                return clocks[i];
            }
        }
        return -1;
    }

    synchronized int frames() {
        return frames;
    }

    synchronized int unreadable() {
        return unreadable;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
