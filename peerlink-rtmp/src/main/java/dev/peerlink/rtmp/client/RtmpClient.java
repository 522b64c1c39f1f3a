package dev.peerlink.rtmp.client;

import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.internal.RtmpIo;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An RTMP client on Netty: publish a live stream to a server, or play one from it. The futures complete once the
 * server said NetStream.Publish.Start / NetStream.Play.Start, or fail with why it refused.
 *
 * <pre>{@code
 * RtmpPlaying p = RtmpClient.play(RtmpUrl.parse("rtmp://10.0.0.2:1937/cast/live"), tag -> show(tag)).get();
 * }</pre>
 */
public final class RtmpClient {
    /** A session on which nothing moved either way for this long ends. */
    public static final int IDLE_SECONDS = 30;
    /** Bytes a session queues before it refuses tags (its socket's high water mark). */
    public static final int HIGH_WATER = 512 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private RtmpClient() {
    }

    public static CompletableFuture<RtmpPublishing> publish(RtmpUrl url) {
        ClientSession s = new ClientSession(ClientSession.Mode.PUBLISH, url, t -> { });
        return connect(url, s).thenCompose(ch -> s.ready.thenApply(v -> new RtmpPublishing(s)));
    }

    public static CompletableFuture<RtmpPlaying> play(RtmpUrl url, Consumer<FlvTag> sink) {
        ClientSession s = new ClientSession(ClientSession.Mode.PLAY, url, Objects.requireNonNull(sink));
        return connect(url, s).thenCompose(ch -> s.ready.thenApply(v -> new RtmpPlaying(s, ch)));
    }

    /** Convenience for a server at {@code address} (a loopback bridge, say): {@code rtmp://address/app/key}. */
    public static RtmpUrl url(InetSocketAddress address, String app, String key) {
        return new RtmpUrl(address.getAddress().getHostAddress(), address.getPort(), app, key);
    }

    private static CompletableFuture<Channel> connect(RtmpUrl url, ClientSession session) {
        CompletableFuture<Channel> f = new CompletableFuture<>();
        ChannelFuture cf = new Bootstrap().group(RtmpIo.group()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                // a publisher notices a slow path within ~0.5 s at 8 Mbit/s (the hub then skips to a key frame)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(HIGH_WATER / 4, HIGH_WATER))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(dev.peerlink.rtmp.internal.RtmpChannel.idleHandler(IDLE_SECONDS), session);
                    }
                })
                .connect(url.address());
        cf.addListener(x -> {
            if (x.isSuccess()) {
                f.complete(cf.channel());
            } else {
                f.completeExceptionally(x.cause());
            }
        });
        return f;
    }
}
