package dev.peerlink.cast.web;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;

/**
 * In-memory {@link TagFeed} for one live stream: the producer calls {@link #publish} per tag (one thread at a time)
 * and {@link #end} when the stream stops. Remembers the latest script data and AVC/AAC sequence headers and gives them
 * to a subscriber as soon as it joins, then starts it at the next key frame (a delta frame cannot decode without one).
 * A subscriber whose {@link TagSubscriber#offer} refuses a tag loses its frames until the next key frame: nothing is
 * ever queued here, so a slow viewer costs no memory and catches up at the live edge.
 */
public final class SimpleTagFeed implements TagFeed {
    private final Object lock = new Object();
    private final List<Viewer> viewers = new ArrayList<>();
    private FlvTag script;
    private FlvTag avcConfig;
    private FlvTag aacConfig;
    private long frames;
    private long dropped;

    @Override
    public Subscription subscribe(TagSubscriber subscriber) {
        Viewer v = new Viewer(subscriber);
        synchronized (lock) {
            viewers.add(v);
            v.needConfig = !offerConfig(v);
        }
        return () -> {
            synchronized (lock) {
                viewers.remove(v);
            }
        };
    }

    /** Hands {@code tag} to every subscriber that can take it; never blocks on a slow one. */
    public void publish(FlvTag tag) {
        synchronized (lock) {
            if (tag.type() == FlvTag.SCRIPT || tag.isAvcSequenceHeader() || tag.isAacSequenceHeader()) {
                publishConfig(tag);
            } else if (tag.isVideo()) {
                frames++;
                for (Viewer v : viewers) {
                    deliverFrame(v, tag);
                }
            } else {
                for (Viewer v : viewers) {
                    if (!v.needKey) {
                        v.subscriber.offer(tag); // a refused audio tag is just lost; the next video frame decides
                    }
                }
            }
        }
    }

    /** The stream stopped: ends every current subscription and forgets the configuration (a new stream brings its own). */
    public void end() {
        List<Viewer> ending;
        synchronized (lock) {
            ending = new ArrayList<>(viewers);
            viewers.clear();
            script = null;
            avcConfig = null;
            aacConfig = null;
        }
        for (Viewer v : ending) {
            v.subscriber.end();
        }
    }

    /** Video frames published so far. */
    public long frames() {
        synchronized (lock) {
            return frames;
        }
    }

    /** Video frames not delivered because a subscriber was backed up (the refused one and those up to the next key frame). */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    public int subscribers() {
        synchronized (lock) {
            return viewers.size();
        }
    }

    private void publishConfig(FlvTag tag) {
        if (tag.type() == FlvTag.SCRIPT) {
            script = tag;
        } else if (tag.isAvcSequenceHeader()) {
            avcConfig = tag;
        } else {
            aacConfig = tag;
        }
        for (Viewer v : viewers) {
            if (!v.subscriber.offer(tag)) {
                // it missed the decoder configuration: resend it with the next key frame
                v.needConfig = true;
                v.needKey = true;
            }
        }
    }

    private void deliverFrame(Viewer v, FlvTag tag) {
        if (v.needKey) {
            if (!tag.isKeyFrame() || (v.needConfig && !offerConfig(v))) {
                if (v.backedUp) {
                    dropped++;
                }
                return;
            }
            v.needConfig = false;
        }
        if (v.subscriber.offer(tag)) {
            v.needKey = false;
            v.backedUp = false;
        } else {
            v.needKey = true;
            v.backedUp = true;
            dropped++;
        }
    }

    private boolean offerConfig(Viewer v) {
        for (FlvTag t : new FlvTag[] {script, avcConfig, aacConfig}) {
            if (t != null && !v.subscriber.offer(t)) {
                return false;
            }
        }
        return true;
    }

    private static final class Viewer {
        final TagSubscriber subscriber;
        boolean needKey = true;
        boolean needConfig;
        boolean backedUp;

        Viewer(TagSubscriber subscriber) {
            this.subscriber = subscriber;
        }
    }
}
