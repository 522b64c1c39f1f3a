package dev.peerlink.rtmp.live;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The live relay core: stream keys to {@link LiveStream}s, one publisher per key, any number of subscribers that may
 * come before or after the publisher. Pure (no I/O, no threads of its own) and thread-safe; transports adapt RTMP
 * play sessions, HTTP-FLV responses and recorders to {@link LiveSink}.
 *
 * <p>Policies (see {@link LiveOptions}): a second publish of a live key is refused (REFUSED_BUSY) unless the current
 * publisher has pushed nothing for {@link LiveOptions#stalePublisher()}, a half-open connection from a phone that
 * lost its network, which is then ended and replaced. When a publisher ends, its subscribers get
 * {@link LiveSink#onEnd()} and are detached, as RTMP players expect (NetStream.Play.UnpublishNotify ends ffmpeg's
 * play); a subscriber that arrives while no one publishes waits for the next publisher.
 */
public final class LiveHub {
    private final LiveOptions options;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, LiveStream> streams = new ConcurrentHashMap<>();

    public LiveHub() {
        this(LiveOptions.DEFAULT);
    }

    public LiveHub(LiveOptions options) {
        this(options, System::nanoTime);
    }

    /** With a clock for staleness, so tests need not wait. */
    public LiveHub(LiveOptions options, LongSupplier nanoClock) {
        this.options = Objects.requireNonNull(options, "options");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public LiveOptions options() {
        return options;
    }

    public PublishResult publish(String key) {
        while (true) {
            PublishResult r = stream(key).tryPublish();
            if (r != null) {
                return r;
            }
        }
    }

    /** Subscribes with the hub's start mode. */
    public Subscription subscribe(String key, LiveSink sink) {
        return subscribe(key, sink, options.start());
    }

    public Subscription subscribe(String key, LiveSink sink, LiveOptions.StartMode start) {
        Objects.requireNonNull(sink, "sink");
        while (true) {
            Subscription s = stream(key).trySubscribe(sink, start);
            if (s != null) {
                return s;
            }
        }
    }

    public boolean isPublishing(String key) {
        LiveStream s = streams.get(key);
        return s != null && s.isPublishing();
    }

    public Optional<StreamStats> stats(String key) {
        return Optional.ofNullable(streams.get(key)).map(LiveStream::stats);
    }

    /** Keys with a publisher or subscribers. */
    public Set<String> keys() {
        return Set.copyOf(streams.keySet());
    }

    /** The stream of {@code key}, made on first use; callers retry when it turns out to have just retired. */
    private LiveStream stream(String key) {
        Objects.requireNonNull(key, "key");
        return streams.computeIfAbsent(key, k -> new LiveStream(k, options, nanoClock, retired -> streams.remove(k, retired)));
    }
}
