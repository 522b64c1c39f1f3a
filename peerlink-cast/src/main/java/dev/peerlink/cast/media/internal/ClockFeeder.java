package dev.peerlink.cast.media.internal;

import dev.peerlink.cast.media.ClockPattern;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes {@link ClockPattern} frames to ffmpeg's stdin at the frame rate, each showing the wall clock at the moment it
 * is handed over. ffmpeg stamps raw frames by their count, so the pace is kept here: a frame late after a pause is
 * written at once rather than skipped, keeping media time equal to frames written.
 */
public final class ClockFeeder implements Runnable {
    private final OutputStream out;
    private final int width;
    private final int height;
    private final long periodNanos;
    private volatile boolean stopped;

    public ClockFeeder(OutputStream out, int width, int height, int fps) {
        this.out = out;
        this.width = width;
        this.height = height;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / fps;
    }

    public void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        byte[] frame = new byte[width * height];
        long next = System.nanoTime();
        try {
            while (!stopped) {
                ClockPattern.render(System.currentTimeMillis(), width, height, frame);
                out.write(frame);
                out.flush();
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the frame rate, not waiting for another thread
                }
            }
        } catch (IOException e) {
            // ffmpeg closed its stdin: it is ending, and its exit reports why
        }
    }
}
