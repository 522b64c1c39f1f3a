package dev.peerlink.cast.media.internal;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.function.LongSupplier;

/**
 * Keeps tag timestamps monotonic across encoder restarts. Each ffmpeg run starts its timestamps at 0; the first tag of
 * a new run is placed after the last tag sent by the wall-clock time that passed (at least one frame), so media time
 * keeps pace with real time through the restart gap and a live player neither stalls nor drifts. A restarted run's
 * onMetaData is dropped: players have the first, and a mid-stream one makes some of them reinitialise.
 */
public final class TagRebaser {
    private final long frameMillis;
    private final LongSupplier clock;
    private long offset;
    private long last = -1;
    private long lastWall;
    private boolean rebasePending = true;
    private int restarts;

    /** @param clock milliseconds, e.g. {@code System::currentTimeMillis}, or a fake in tests */
    public TagRebaser(int fps, LongSupplier clock) {
        this.frameMillis = Math.max(1, Math.round(1000.0 / fps));
        this.clock = clock;
    }

    /** The tags that follow come from a restarted encoder run. */
    public synchronized void newRun() {
        rebasePending = true;
        restarts++;
    }

    /** Timestamp of the last tag passed on, -1 before the first. */
    public synchronized long lastTimestamp() {
        return last;
    }

    /** The tag to pass on with its timestamp moved, or null to drop it. */
    public synchronized FlvTag apply(FlvTag tag) {
        long now = clock.getAsLong();
        if (tag.type() == FlvTag.SCRIPT && restarts > 0) {
            return null;
        }
        if (rebasePending) {
            long base = last < 0 ? 0 : last + Math.max(frameMillis, now - lastWall);
            offset = base - tag.timestamp();
            rebasePending = false;
        }
        long ts = Math.max(last, tag.timestamp() + offset);
        ts = Math.max(0, Math.min(ts, 0xFFFF_FFFFL));
        last = ts;
        lastWall = now;
        return ts == tag.timestamp() ? tag : new FlvTag(tag.type(), ts, tag.body());
    }
}
