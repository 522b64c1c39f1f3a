package dev.peerlink.cast.media.internal;

import dev.peerlink.cast.media.ClockPattern;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes {@link ClockPattern} frames to ffmpeg's stdin at the frame rate, each showing the wall clock at the moment it
 * is handed over. ffmpeg stamps raw frames by their count, so the pace is kept here. After a stall (ffmpeg starting up
 * and not yet reading, a GC pause) the schedule restarts from now instead of catching up with a burst: a burst would
 * show the same clock in several frames meant for different instants and spoil the latency figures; the cost is media
 * time lagging the wall clock by the stall.
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
                long now = System.nanoTime();
                if (now - next > periodNanos) {
                    next = now;
                }
                long wait = next - now;
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the frame rate, not waiting for another thread
                }
            }
        } catch (IOException e) {
            // ffmpeg closed its stdin: it is ending, and its exit reports why
        }
    }
}
