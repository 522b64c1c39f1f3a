package dev.peerlink.rtmp.server;

import dev.peerlink.rtmp.internal.RtmpIo;
import dev.peerlink.rtmp.live.LiveHub;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RTMP server on Netty: publishers push a live stream into a {@link LiveHub}, players pull it out, keyed
 * {@code app/name}. A player that cannot keep up is not buffered for: its socket's write buffer stops accepting (the
 * high water mark) and the hub drops to the next key frame for it. Binds loopback unless told otherwise.
 *
 * <pre>{@code
 * RtmpServer s = RtmpServer.builder().hub(hub).bind(new InetSocketAddress("127.0.0.1", 1935)).start();
 * // ffmpeg -re -i in.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/key ; ffplay rtmp://127.0.0.1:1935/live/key
 * }</pre>
 */
public final class RtmpServer implements AutoCloseable {
    /** Connections beyond this are closed at once: a live relay for a few viewers, not a CDN edge. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** A connection on which nothing moved either way for this long is dropped. */
    public static final int IDLE_SECONDS = 60;

    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    /** Accepted connections, closed with the server: a closed server leaves no publisher or player running. */
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** Told about publishers and players as they come and go (on an I/O thread: return promptly). */
    public interface Listener {
        default void published(InetSocketAddress remote, String key) { }

        default void unpublished(InetSocketAddress remote, String key) { }

        default void playing(InetSocketAddress remote, String key) { }

        /** The policy admitted a publish into {@code key} but the hub refused it: someone else publishes there. */
        default void refused(InetSocketAddress remote, String key) { }
    }

    private RtmpServer(Builder b) throws IOException {
        int max = b.maxConnections;
        ServerBootstrap sb = new ServerBootstrap().group(RtmpIo.group()).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > max) {
                            connections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        children.add(ch);
                        ch.pipeline().addLast(dev.peerlink.rtmp.internal.RtmpChannel.idleHandler(b.idleSeconds),
                                new ServerSession(b.hub, b.policy, b.listener, b.startMode));
                    }
                });
        try {
            server = sb.bind(b.bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + b.bind, e);
        } catch (Exception e) {
            throw new IOException("cannot listen for RTMP on " + b.bind + ": " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** rtmp://host:port/ — for messages and tests. */
    public String url(String app, String key) {
        InetSocketAddress a = address();
        return "rtmp://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/" + app + "/" + key;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        children.close().awaitUninterruptibly();
    }

    public static final class Builder {
        private LiveHub hub;
        private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private RtmpServerPolicy policy = RtmpServerPolicy.OPEN;
        private Listener listener = new Listener() { };
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int idleSeconds = IDLE_SECONDS;
        private dev.peerlink.rtmp.live.LiveOptions.StartMode startMode = dev.peerlink.rtmp.live.LiveOptions.StartMode.NEXT_KEY_FRAME;

        public Builder hub(LiveHub hub) { this.hub = hub; return this; }

        public Builder bind(InetSocketAddress bind) { this.bind = Objects.requireNonNull(bind); return this; }

        public Builder policy(RtmpServerPolicy policy) { this.policy = Objects.requireNonNull(policy); return this; }

        public Builder listener(Listener listener) { this.listener = Objects.requireNonNull(listener); return this; }

        public Builder maxConnections(int n) { this.maxConnections = n; return this; }

        /** Closes a connection on which nothing moved either way for this long (default {@value #IDLE_SECONDS}). */
        public Builder idleSeconds(int s) { this.idleSeconds = s; return this; }

        /**
         * Where players start: the next key frame (default, lowest latency) or the cached GOP (a picture at once,
         * every frame of a short stream — what a sender serving one receiver wants).
         */
        public Builder startMode(dev.peerlink.rtmp.live.LiveOptions.StartMode mode) { this.startMode = Objects.requireNonNull(mode); return this; }

        public RtmpServer start() throws IOException {
            Objects.requireNonNull(hub, "hub");
            return new RtmpServer(this);
        }
    }
}
