package dev.peerlink.cast.web;

import dev.peerlink.cast.web.internal.HostGuard;
import dev.peerlink.cast.web.internal.StaticAssets;
import dev.peerlink.cast.web.internal.WebHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receiver's local web server: {@code GET /} (the player page), {@code /player.js}, {@code /player.css},
 * {@code /live.flv} (HTTP-FLV from a {@link TagFeed}), {@code /qr.png}, {@code /status} (JSON) and {@code /events}
 * (Server-Sent Events of the status). Binds loopback by default; see docs/cast.md for why and for the Host guard.
 */
public final class CastWebServer implements AutoCloseable {
    /** Request line, headers and body caps: the page sends only tiny GETs. */
    static final int MAX_LINE = 2048;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 1024;
    /** Open connections and open streams (/live.flv plus /events) at once. */
    static final int MAX_CONNECTIONS = 64;
    static final int MAX_STREAMS = 32;
    /**
     * Per-viewer buffer before tags are refused: room for a 1080p key frame at 8 Mbit/s (about 0.5 s of video);
     * more would only add latency. The kernel's socket buffer comes on top.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);
    private static final int IDLE_SECONDS = 30;

    private final MultiThreadIoEventLoopGroup group;
    private final Channel listener;

    private CastWebServer(MultiThreadIoEventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /** Binds 127.0.0.1:{@code port} (0: an ephemeral port, see {@link #address()}). */
    public static CastWebServer start(int port, TagFeed feed, CastStatus status) throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), feed, status);
    }

    public static CastWebServer start(InetSocketAddress bind, TagFeed feed, CastStatus status) throws IOException {
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(status, "status");
        if (bind.isUnresolved()) {
            throw new IOException("cannot resolve " + bind.getHostString());
        }
        WebHandler.Context context = new WebHandler.Context(feed, status, new StaticAssets(),
                new HostGuard(bind.getAddress()), new AtomicInteger(), new AtomicInteger(), MAX_STREAMS);
        AtomicInteger connections = new AtomicInteger();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cast-web", true),
                NioIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                                connections.decrementAndGet();
                                c.close();
                                return;
                            }
                            c.closeFuture().addListener(f -> connections.decrementAndGet());
                            c.pipeline().addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
                                    .addLast(new HttpServerCodec(MAX_LINE, MAX_HEADERS, 8192))
                                    .addLast(new HttpObjectAggregator(MAX_BODY))
                                    .addLast(new WebHandler(context));
                        }
                    })
                    .bind(bind).sync().channel();
            return new CastWebServer(group, ch);
        } catch (Exception e) { // sync() rethrows the bind failure (a checked BindException) undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot bind the web page to " + bind + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (the real port when 0 was asked). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The page's URL, e.g. {@code http://127.0.0.1:8080/} (loopback when bound to the wildcard address). */
    public String url() {
        InetSocketAddress a = address();
        InetAddress ip = a.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a.getAddress();
        String host = ip.getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
