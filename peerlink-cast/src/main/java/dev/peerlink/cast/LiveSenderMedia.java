package dev.peerlink.cast;

import dev.peerlink.cast.media.AdaptiveBitrate;
import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.Ffmpeg;
import dev.peerlink.cast.media.FfmpegEncoder;
import dev.peerlink.rtmp.client.RtmpClient;
import dev.peerlink.rtmp.client.RtmpPublishing;
import dev.peerlink.rtmp.live.LiveHub;
import dev.peerlink.rtmp.live.LiveOptions;
import dev.peerlink.rtmp.live.LivePublisher;
import dev.peerlink.rtmp.live.PublishResult;
import dev.peerlink.rtmp.live.Subscription;
import dev.peerlink.rtmp.server.RtmpServer;
import dev.peerlink.rtmp.server.RtmpServerPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's media: ffmpeg encodes the source into a local live stream; it is published to the receiver (the
 * normal case) or served by a loopback RTMP server to the receiver that dialled back. A slow path is met twice: the
 * live hub skips to the next key frame rather than queueing, and {@link AdaptiveBitrate} lowers the encoder's rate
 * while the backlog lasts (and raises it again once the path clears).
 */
public final class LiveSenderMedia implements SenderMedia, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSenderMedia.class);
    private static final String HUB_KEY = LiveReceiverMedia.HUB_KEY;

    private final LiveHub hub = new LiveHub();
    private final java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
    private final LivePublisher publisher;
    private final Ffmpeg ffmpeg;
    private final CastSource source;
    private final EncoderSettings settings;
    private volatile FfmpegEncoder encoder;
    private final RtmpServer server;
    private final ScheduledExecutorService abrTimer;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final IntConsumer onBitrate;

    public LiveSenderMedia(Ffmpeg ffmpeg, CastSource source, EncoderSettings settings, boolean adaptive, IntConsumer onBitrate)
            throws IOException {
        this.onBitrate = onBitrate;
        PublishResult r = hub.publish(HUB_KEY);
        this.publisher = r.publisher();
        this.server = RtmpServer.builder().hub(hub).policy(new AdmittedPlayers()).startMode(LiveOptions.StartMode.CACHED_GOP).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
        this.ffmpeg = ffmpeg;
        this.source = source;
        this.settings = settings;
        this.abrTimer = adaptive && !(source instanceof CastSource.RtmpIngest) ? Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "cast-abr");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    @Override
    public synchronized void start() throws IOException {
        if (encoder != null) {
            return;
        }
        encoder = FfmpegEncoder.start(ffmpeg, source, settings, publisher::push);
        encoder.exit().whenComplete((exit, e) -> {
            publisher.close();
            if (e != null) {
                finished.completeExceptionally(e);
            } else if (exit.clean() || exit.requested()) {
                finished.complete(null);
            } else {
                finished.completeExceptionally(new IOException("ffmpeg failed: " + exit.describe()));
            }
        });
    }

    @Override
    public CompletableFuture<Void> publishTo(InetSocketAddress via, String key) {
        return RtmpClient.publish(RtmpClient.url(via, LiveReceiverMedia.APP, key)).thenCompose(pub -> {
            // from the last key frame: a cast that connects within the first GOP loses no frame
            Subscription s = hub.subscribe(HUB_KEY, pub, LiveOptions.StartMode.CACHED_GOP);
            pub.onWritable(s::drain);
            if (abrTimer != null) {
                watch(pub, s);
            }
            return pub.closed().whenComplete((v, e) -> s.cancel());
        });
    }

    /** Every 250 ms: the bytes waiting (in the hub for this path, and in the socket) feed the bitrate controller. */
    private void watch(RtmpPublishing pub, Subscription s) {
        int max = settings.bitrateKbps();
        AdaptiveBitrate abr = new AdaptiveBitrate(AdaptiveBitrate.of(Math.max(50, max / 8), max, max));
        var task = abrTimer.scheduleAtFixedRate(() -> {
            long backlog = s.stats().pendingBytes() + Math.max(0, RtmpClient.HIGH_WATER - pub.bytesBeforeUnwritable());
            int before = abr.target();
            int target = abr.onBacklog(System.currentTimeMillis(), backlog, 0);
            if (target != before) {
                try {
                    encoder.setBitrate(target);
                    onBitrate.accept(target);
                } catch (IOException | IllegalStateException e) {
                    LOG.info("cannot change the bitrate: {}", e.getMessage());
                }
            }
        }, 250, 250, TimeUnit.MILLISECONDS);
        pub.closed().whenComplete((v, e) -> task.cancel(false));
    }

    @Override
    public InetSocketAddress admitPlayer() {
        admitted.incrementAndGet();
        return server.address();
    }

    /** Only the player the cast admitted (the receiver that dialled back) may play, and only {@value #HUB_KEY}. */
    private final class AdmittedPlayers implements RtmpServerPolicy {
        @Override
        public boolean mayPublish(InetSocketAddress remote, String app, String key) {
            return false; // the encoder feeds the hub directly
        }

        @Override
        public boolean mayPlay(InetSocketAddress remote, String app, String key) {
            return (app + "/" + key).equals(HUB_KEY) && admitted.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }
    }

    @Override
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** The running encoder; null before {@link #start()}. */
    public FfmpegEncoder encoder() {
        return encoder;
    }

    @Override
    public void close() {
        FfmpegEncoder e = encoder;
        if (e != null) {
            e.close();
        }
        publisher.close();
        server.close();
        if (abrTimer != null) {
            abrTimer.shutdownNow();
        }
    }
}
