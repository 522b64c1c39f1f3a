package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One stream key: at most one publisher, any number of subscribers, the latest onMetaData and AVC/AAC sequence
 * headers, and the current GOP. One lock (this object's monitor) guards everything, sinks included, so the order in
 * which a subscriber sees configuration and media is exactly the publisher's; the critical sections only enqueue.
 *
 * <p>A stream with neither publisher nor subscribers retires: it leaves the hub's map and refuses further use, and
 * the hub makes a fresh one for the key. That keeps the hub's map free of dead keys without a hub-wide lock.
 */
final class LiveStream {
    private final String key;
    private final LiveOptions options;
    private final LongSupplier nanoClock;
    private final Consumer<LiveStream> onRetire;
    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final GopCache gop;
    private LivePublisher publisher;
    private long lastPushNanos;
    private FlvTag metadata;
    private FlvTag avcHeader;
    private FlvTag aacHeader;
    private boolean hasVideo;
    private long framesIn;
    private boolean retired;

    LiveStream(String key, LiveOptions options, LongSupplier nanoClock, Consumer<LiveStream> onRetire) {
        this.key = key;
        this.options = options;
        this.nanoClock = nanoClock;
        this.onRetire = onRetire;
        this.gop = new GopCache(options.gopCacheBytes());
    }

    String key() {
        return key;
    }

    /** Null when retired (the hub then retries on a fresh stream). */
    synchronized PublishResult tryPublish() {
        if (retired) {
            return null;
        }
        PublishResult.Outcome outcome = PublishResult.Outcome.ACCEPTED;
        if (publisher != null) {
            if (nanoClock.getAsLong() - lastPushNanos < options.stalePublisher().toNanos()) {
                return new PublishResult(PublishResult.Outcome.REFUSED_BUSY, null);
            }
            endPublisher();
            outcome = PublishResult.Outcome.REPLACED_STALE;
        }
        publisher = new LivePublisher(this);
        lastPushNanos = nanoClock.getAsLong();
        return new PublishResult(outcome, publisher);
    }

    /** Null when retired. */
    synchronized Subscription trySubscribe(LiveSink sink, LiveOptions.StartMode start) {
        if (retired) {
            return null;
        }
        Subscription s = new Subscription(this, sink, options);
        subscribers.add(s);
        List<FlvTag> configs = new ArrayList<>(3);
        for (FlvTag c : new FlvTag[] {metadata, avcHeader, aacHeader}) {
            if (c != null) {
                configs.add(c);
            }
        }
        s.prime(configs, start == LiveOptions.StartMode.CACHED_GOP ? gop.snapshot() : List.of());
        return s;
    }

    synchronized boolean push(LivePublisher from, FlvTag tag) {
        if (from != publisher) {
            return false;
        }
        lastPushNanos = nanoClock.getAsLong();
        boolean config = false;
        if (tag.type() == FlvTag.SCRIPT && Metadata.isOnMetaData(tag.body())) {
            metadata = tag;
            config = true;
        } else if (tag.isAvcSequenceHeader()) {
            avcHeader = tag;
            hasVideo = true;
            config = true;
        } else if (tag.isAacSequenceHeader()) {
            aacHeader = tag;
            config = true;
        }
        if (config) {
            for (Subscription s : subscribers) {
                s.config(tag);
            }
            return true;
        }
        framesIn++;
        hasVideo |= tag.isVideo();
        gop.add(tag);
        for (Subscription s : subscribers) {
            s.media(tag, !hasVideo);
        }
        return true;
    }

    synchronized void unpublish(LivePublisher from) {
        if (from == publisher) {
            endPublisher();
            retireIfIdle();
        }
    }

    synchronized boolean isPublisher(LivePublisher p) {
        return p == publisher;
    }

    synchronized void remove(Subscription s) {
        if (subscribers.remove(s)) {
            s.detach();
            retireIfIdle();
        }
    }

    /** A sink threw: it leaves without onEnd. */
    synchronized void fail(Subscription s) {
        remove(s);
    }

    synchronized StreamStats stats() {
        return new StreamStats(key, publisher != null, framesIn, subscribers.size());
    }

    synchronized boolean isPublishing() {
        return publisher != null;
    }

    /** The publisher's state goes with it: the next one announces its own metadata and headers. */
    private void endPublisher() {
        publisher = null;
        metadata = null;
        avcHeader = null;
        aacHeader = null;
        hasVideo = false;
        gop.clear();
        List<Subscription> ending = List.copyOf(subscribers);
        subscribers.clear();
        for (Subscription s : ending) {
            s.end();
        }
    }

    private void retireIfIdle() {
        if (!retired && publisher == null && subscribers.isEmpty()) {
            retired = true;
            onRetire.accept(this);
        }
    }
}
