package dev.peerlink.cast;

import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.cast.web.Subscription;
import dev.peerlink.cast.web.TagFeed;
import dev.peerlink.cast.web.TagSubscriber;
import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.client.RtmpClient;
import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.live.LiveHub;
import dev.peerlink.rtmp.live.LivePublisher;
import dev.peerlink.rtmp.live.LiveSink;
import dev.peerlink.rtmp.live.PublishResult;
import dev.peerlink.rtmp.server.RtmpServer;
import dev.peerlink.rtmp.server.RtmpServerPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import dev.peerlink.cast.media.FlvRecorder;
import org.slf4j.LoggerFactory;

/**
 * The receiver's media: one live stream ({@value #HUB_KEY}) fed either by a phone publishing to the RTMP server or
 * by our RTMP client playing from the phone (reverse), and read by the web page, a recorder and players of the RTMP
 * re-serve (ffplay, VLC, OBS on {@link #rtmpServer()}).
 */
public final class LiveReceiverMedia implements ReceiverMedia, TagFeed, AutoCloseable {
    public static final String APP = "cast";
    public static final String HUB_KEY = APP + "/" + CastReceiver.KEY;

    private final LiveHub hub = new LiveHub();
    private final RtmpServer server;
    private final CastStatus status;
    private final java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();

    /** @param rtmp where the RTMP server listens (loopback; port 0 for any) */
    public LiveReceiverMedia(InetSocketAddress rtmp, CastStatus status) throws IOException {
        this.status = status;
        this.server = RtmpServer.builder().hub(hub).bind(rtmp).policy(new AdmittedPublishers()).start();
        hub.subscribe(HUB_KEY, new StatusSink());
    }

    /** The RTMP re-serve's address (players: ffplay, VLC, OBS). */
    public InetSocketAddress rtmpServer() {
        return server.address();
    }

    @Override
    public InetSocketAddress admitPublisher() {
        admitted.incrementAndGet();
        return server.address();
    }

    /** Anyone may play the re-serve; only a publisher the cast admitted may publish, and only {@value #HUB_KEY}. */
    private final class AdmittedPublishers implements RtmpServerPolicy {
        @Override
        public boolean mayPublish(InetSocketAddress remote, String app, String key) {
            return APP.equals(app) && CastReceiver.KEY.equals(key) && admitted.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }

        @Override
        public boolean mayPlay(InetSocketAddress remote, String app, String key) {
            return true;
        }
    }

    /** rtmp://127.0.0.1:PORT/cast/live — what ffplay or VLC open to watch. */
    public String rtmpUrl() {
        return server.url(APP, CastReceiver.KEY);
    }

    /**
     * Plain RTMP for stock clients on a LAN address (publish only, into this stream); a {@link CastReceiver} built
     * with it decides who may publish. The caller closes it.
     */
    public PlainCastServer servePlain(InetSocketAddress bind) throws IOException {
        return new PlainCastServer(hub, HUB_KEY, bind);
    }

    @Override
    public CompletableFuture<Void> playFrom(InetSocketAddress via, String key) {
        PublishResult r = hub.publish(HUB_KEY);
        if (!r.accepted()) {
            return CompletableFuture.failedFuture(new IOException("a stream is already being received"));
        }
        LivePublisher publisher = r.publisher();
        return RtmpClient.play(RtmpClient.url(via, APP, key), publisher::push)
                .thenCompose(playing -> playing.closed())
                .whenComplete((v, e) -> publisher.close());
    }

    /** Every tag of the stream, from its next key frame, to {@code recorder}; never refuses; flushed when a cast ends. */
    public void record(FlvRecorder recorder) {
        hub.subscribe(HUB_KEY, new LiveSink() {
            // each cast's timestamps restart near 0 (the relay rebases every subscription): continue the file's clock
            private long offset;
            private long last = -1;

            @Override
            public boolean offer(FlvTag tag) {
                long ts = tag.timestamp() + offset;
                last = Math.max(last, ts);
                recorder.accept(ts == tag.timestamp() ? tag : new FlvTag(tag.type(), ts & 0xFFFF_FFFFL, tag.body()));
                return true;
            }

            @Override
            public void onEnd() {
                try {
                    recorder.flush(); // the tail after the last key frame; the next cast appends to the same file
                } catch (IOException e) {
                    LoggerFactory.getLogger(LiveReceiverMedia.class).warn("cannot flush {}: {}", recorder.file(), e.toString());
                }
                offset = last + 1;
                hub.subscribe(HUB_KEY, this);
            }
        });
    }

    /** The web page's view: the hub's live stream, skipping to key frames for a viewer that falls behind. */
    @Override
    public Subscription subscribe(TagSubscriber subscriber) {
        dev.peerlink.rtmp.live.Subscription s = hub.subscribe(HUB_KEY, new LiveSink() {
            @Override
            public boolean offer(FlvTag tag) {
                return subscriber.offer(tag);
            }

            @Override
            public void onEnd() {
                subscriber.end();
            }
        });
        return s::cancel;
    }

    /** Counts frames and reads the size from the metadata, for the page and {@code /status}. */
    private final class StatusSink implements LiveSink {
        @Override
        public boolean offer(FlvTag tag) {
            if (tag.type() == FlvTag.SCRIPT && Metadata.isOnMetaData(tag.body())) {
                try {
                    Map<String, Object> m = Metadata.parse(tag.body());
                    status.video(intOf(m.get("width")), intOf(m.get("height")),
                            m.get("framerate") instanceof Double d ? d : null);
                } catch (RtmpException e) {
                    // metadata is informative only
                }
            } else if (tag.isVideo() && !tag.isAvcSequenceHeader()) {
                status.frameReceived();
            }
            return true;
        }

        @Override
        public void onEnd() {
            hub.subscribe(HUB_KEY, new StatusSink()); // and the next cast
        }
    }

    private static Integer intOf(Object o) {
        return o instanceof Double d ? (int) Math.round(d) : null;
    }

    @Override
    public void close() {
        server.close();
    }
}
