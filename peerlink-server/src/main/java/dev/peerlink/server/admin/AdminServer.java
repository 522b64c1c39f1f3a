package dev.peerlink.server.admin;

import dev.peerlink.server.admin.internal.AdminHandler;
import dev.peerlink.server.admin.internal.Auth;
import dev.peerlink.server.admin.internal.EventStream;
import dev.peerlink.server.admin.internal.Summary;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (HTTP/1.1): {@code GET /metrics} (Prometheus text 0.0.4), {@code /api/summary} (JSON),
 * {@code /api/events} (the summary every second as Server-Sent Events), {@code /api/qos} (GeoJSON) and the dashboard's
 * files ({@code /}, {@code /dashboard/*}, {@code /webjars/*}). Bound to loopback it is open; bound elsewhere every
 * request needs the token (see {@link AdminConfig#requiresToken()}).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** Characters a token may have: safe in a header, a query string and a cookie. */
    public static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");
    static final int MAX_CONNECTIONS = 128;

    private final MultiThreadIoEventLoopGroup group;
    private final Channel listener;
    private final boolean requiresToken;
    private final ChannelGroup connections;

    private AdminServer(MultiThreadIoEventLoopGroup group, Channel listener, boolean requiresToken, ChannelGroup connections) {
        this.group = group;
        this.connections = connections;
        this.listener = listener;
        this.requiresToken = requiresToken;
    }

    /**
     * Listens on {@code config.listen()}. {@code token} is required when {@link AdminConfig#requiresToken()} (it is
     * ignored otherwise). {@code startedAt}: the server's start (epoch ms) for its uptime.
     */
    public static AdminServer start(AdminConfig config, String token, PrometheusMeterRegistry registry, AdminData data,
                                    long startedAt, LongSupplier clock) throws IOException, InterruptedException {
        boolean required = config.requiresToken();
        if (required && (token == null || !TOKEN.matcher(token).matches())) {
            throw new IllegalArgumentException("the admin listener on " + config.listen()
                    + " needs a token of 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = -");
        }
        Auth auth = new Auth(required ? token : null);
        Summary summary = new Summary(registry, data, startedAt, clock);
        EventStream events = new EventStream(summary::json);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("admin-http", true),
                NioIoHandler.newFactory());
        AtomicInteger open = new AtomicInteger();
        ChannelGroup connections = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                                open.decrementAndGet();
                                c.close();
                                return;
                            }
                            c.closeFuture().addListener(f -> open.decrementAndGet());
                            connections.add(c);
                            // small limits: admin requests are GETs with short URLs and a few headers
                            c.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192));
                            c.pipeline().addLast(new HttpObjectAggregator(4096));
                            c.pipeline().addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS));
                            c.pipeline().addLast(new AdminHandler(auth, registry, summary::json, data, events));
                        }
                    })
                    .bind(config.listen()).sync().channel();
            group.next().scheduleAtFixedRate(() -> {
                try {
                    events.tick();
                } catch (RuntimeException e) {
                    LOG.warn("admin event tick failed", e);
                }
            }, 1, 1, TimeUnit.SECONDS);
            AdminServer s = new AdminServer(group, ch, required, connections);
            LOG.info("admin listener on http://{} ({})", hostPort(s.address()),
                    required ? "token required" : "loopback, no token");
            return s;
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public boolean requiresToken() {
        return requiresToken;
    }

    /** {@code http://ip:port}. */
    public String url() {
        return "http://" + hostPort(address());
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS); // event streams end with the server
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
