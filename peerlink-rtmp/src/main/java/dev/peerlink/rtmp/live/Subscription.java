package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * One subscriber of a {@link LiveStream}: its pending tags, its timestamp base and its counters. All state is
 * guarded by the stream's lock; the public methods take it.
 *
 * <p>Drop policy: tags the sink refuses wait here. When the waiting media exceed the byte or millisecond budget they
 * are all dropped (configuration tags stay, collapsed to the latest of each kind) and the subscriber waits for the
 * next video key frame, so it rejoins live instead of drifting further behind.
 */
public final class Subscription {
    private final LiveStream stream;
    private final LiveSink sink;
    private final LiveOptions options;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long pendingBytes;
    private int pendingMedia;
    private boolean awaitingKey = true;
    private boolean started; // delivered or queued its first media tag; the base is set
    private long base;
    private boolean active = true;
    private boolean flushing;
    private long framesIn;
    private long framesOut;
    private long dropped;
    private long skips;

    private record Pending(FlvTag tag, boolean config) {}

    Subscription(LiveStream stream, LiveSink sink, LiveOptions options) {
        this.stream = stream;
        this.sink = sink;
        this.options = options;
    }

    /** Offers waiting tags to the sink again; call when the transport becomes writable. */
    public void drain() {
        synchronized (stream) {
            if (active) {
                flush();
            }
        }
    }

    /** Detaches without calling {@link LiveSink#onEnd()}. Idempotent. */
    public void cancel() {
        stream.remove(this);
    }

    public boolean isActive() {
        synchronized (stream) {
            return active;
        }
    }

    public SubscriberStats stats() {
        synchronized (stream) {
            return new SubscriberStats(framesIn, framesOut, dropped, skips, pending.size(), pendingBytes);
        }
    }

    // ---- called by LiveStream under its lock ----

    /** The state a joining subscriber gets: stored configuration, then (optionally) the cached GOP. */
    void prime(List<FlvTag> configs, List<FlvTag> gop) {
        for (FlvTag c : configs) {
            enqueue(c, true);
        }
        for (FlvTag m : gop) {
            media(m, false);
        }
        flush();
    }

    void config(FlvTag tag) {
        if (!active) {
            return;
        }
        enqueue(tag, true);
        flush();
    }

    /** A media tag; {@code audioMayStart} (no video seen on the stream) lets audio-only streams start at once. */
    void media(FlvTag tag, boolean audioMayStart) {
        if (!active) {
            return;
        }
        if (awaitingKey) {
            boolean startable = tag.isKeyFrame() || (tag.isAudio() && audioMayStart);
            if (!startable) {
                if (started) { // still catching up after a skip: this frame is lost to the subscriber
                    framesIn++;
                    dropped++;
                }
                return;
            }
            awaitingKey = false;
            if (!started) {
                started = true;
                base = options.rebase() ? tag.timestamp() : 0;
            }
        }
        framesIn++;
        enqueue(tag, false);
        flush();
        if (overBudget()) {
            skip();
        }
    }

    /** Delivers what the sink takes. A sink calling back into drain() or cancel() from offer() is tolerated. */
    void flush() {
        if (flushing) {
            return;
        }
        flushing = true;
        try {
            while (active && !pending.isEmpty()) {
                Pending p = pending.peekFirst();
                boolean taken;
                try {
                    taken = sink.offer(p.tag);
                } catch (RuntimeException e) {
                    stream.fail(this);
                    return;
                }
                if (!taken || !active) {
                    return;
                }
                pending.pollFirst();
                pendingBytes -= p.tag.body().length;
                if (!p.config) {
                    pendingMedia--;
                    framesOut++;
                }
            }
        } finally {
            flushing = false;
        }
    }

    /** Publisher gone: one last chance to deliver, then the end. */
    void end() {
        flush();
        boolean wasActive = active;
        detach();
        if (wasActive) {
            try {
                sink.onEnd();
            } catch (RuntimeException ignored) {
                // the subscriber is gone either way
            }
        }
    }

    void detach() {
        active = false;
        dropped += pendingMedia;
        pending.clear();
        pendingBytes = 0;
        pendingMedia = 0;
    }

    private void enqueue(FlvTag tag, boolean config) {
        long ts = started ? Math.max(0, tag.timestamp() - base) : 0; // configuration before the first frame sits at 0
        FlvTag out = ts == tag.timestamp() ? tag : new FlvTag(tag.type(), ts, tag.body());
        pending.addLast(new Pending(out, config));
        pendingBytes += tag.body().length;
        if (!config) {
            pendingMedia++;
        }
    }

    private boolean overBudget() {
        if (pendingMedia == 0) {
            return false;
        }
        if (pendingBytes > options.backlogBytes()) {
            return true;
        }
        long oldest = -1;
        long newest = -1;
        for (Pending p : pending) {
            if (!p.config) {
                if (oldest < 0) {
                    oldest = p.tag.timestamp();
                }
                newest = p.tag.timestamp();
            }
        }
        return newest - oldest > options.backlogMillis();
    }

    /** Drops pending media, keeps the latest configuration tag of each kind, and waits for the next key frame. */
    private void skip() {
        skips++;
        dropped += pendingMedia;
        FlvTag metadata = null;
        FlvTag avc = null;
        FlvTag aac = null;
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.config) {
                if (p.tag.isAvcSequenceHeader()) {
                    avc = p.tag;
                } else if (p.tag.isAacSequenceHeader()) {
                    aac = p.tag;
                } else {
                    metadata = p.tag;
                }
            }
        }
        pending.clear();
        pendingBytes = 0;
        pendingMedia = 0;
        for (FlvTag c : new FlvTag[] {metadata, avc, aac}) {
            if (c != null) {
                pending.addLast(new Pending(c, true));
                pendingBytes += c.body().length;
            }
        }
        awaitingKey = true;
    }
}
