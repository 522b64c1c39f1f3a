package dev.peerlink.protocol.internal;

import dev.peerlink.protocol.HttpProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The SDK's WebSocket client (signalling and transfer): Netty on one event-loop thread shared by every connection of
 * the process, so opening and using a connection needs neither the embedder's threads nor the common
 * {@code ForkJoinPool} (where the JDK {@code HttpClient} finished its handshakes, and which applications starve).
 * Listeners run on the executor each caller names, or on {@link #callbacks()}, never on the event loop.
 *
 * <p>Kept from the JDK client: {@code ws://} and {@code wss://} (the given {@link SSLContext} or the JDK's default
 * trust, with host name verification), the HTTP proxy the default {@link ProxySelector} names (CONNECT tunnel, as the
 * JDK did), automatic pong answers, close frames echoed.
 */
public final class WebSocketConnector {
    /**
     * {@code connectTimeout}: the whole opening (TCP, TLS, upgrade). {@code maxMessageBytes}: largest message, after
     * fragments are joined. {@code readAheadBytes}: how much may wait for a slow listener before reading pauses.
     * {@code sslContext}: trust for wss://, null for the JDK default. {@code proxy}: the HTTP CONNECT proxy to
     * tunnel through; null means as the environment says ({@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY},
     * then the default {@link ProxySelector}).
     */
    public record Options(Duration connectTimeout, int maxMessageBytes, long readAheadBytes, SSLContext sslContext,
                          HttpProxy proxy) {
        public Options(Duration connectTimeout, int maxMessageBytes, long readAheadBytes, SSLContext sslContext) {
            this(connectTimeout, maxMessageBytes, readAheadBytes, sslContext, null);
        }
    }

    private static final class Shared {
        static final WebSocketConnector INSTANCE = new WebSocketConnector();
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("peerlink-ws", true),
            NioIoHandler.newFactory());
    private final ExecutorService callbacks = Executors.newCachedThreadPool(new DefaultThreadFactory("peerlink-ws-callback", true));

    private WebSocketConnector() {}

    /** The process-wide connector; its threads are daemons and idle callback threads end after a minute. */
    public static WebSocketConnector shared() {
        return Shared.INSTANCE;
    }

    /** Listener threads for callers without an executor of their own (a cached pool of daemon threads). */
    public Executor callbacks() {
        return callbacks;
    }

    /**
     * Opens {@code uri}; completes on {@code executor} when the upgrade is done, or fails with the connect, TLS or
     * handshake error, or a {@link java.util.concurrent.TimeoutException} after {@code connectTimeout}. The listener
     * then receives messages on {@code executor}, in order.
     */
    public CompletableFuture<WebSocketConnection> connect(URI uri, Options options, WebSocketListener listener, Executor executor) {
        return connect(uri, null, options, listener, executor);
    }

    /**
     * As {@link #connect(URI, Options, WebSocketListener, Executor)}, but to {@code address} (one of the records the
     * URI's host name resolved to; null: resolve it here): the host name still goes out as SNI and Host header and
     * must be named by a wss server's certificate. Ignored behind an HTTP proxy, which resolves the name itself.
     */
    public CompletableFuture<WebSocketConnection> connect(URI uri, java.net.InetAddress address, Options options,
            WebSocketListener listener, Executor executor) {
        boolean tls = switch (uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT)) {
            case "ws" -> false;
            case "wss" -> true;
            default -> throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        };
        String host = uri.getHost() != null && uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        long timeoutMs = options.connectTimeout().toMillis();
        HttpProxy proxy;
        try {
            proxy = options.proxy() != null ? options.proxy() : environmentProxy(tls, uri);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        SSLContext ssl;
        try {
            ssl = !tls ? null : options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            return CompletableFuture.failedFuture(e);
        }
        WebSocketConnection c = new WebSocketConnection(uri, options, listener, executor);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        c.attach(ch);
                        ChannelPipeline p = ch.pipeline();
                        if (proxy != null) {
                            HttpProxyHandler h = proxy.hasCredentials()
                                    ? new HttpProxyHandler(proxy.address(), proxy.username(), proxy.password())
                                    : new HttpProxyHandler(proxy.address());
                            h.setConnectTimeoutMillis(timeoutMs);
                            p.addLast(h);
                        }
                        if (ssl != null) {
                            SslHandler h = new SslHandler(clientEngine(ssl, host, port));
                            h.setHandshakeTimeoutMillis(timeoutMs);
                            p.addLast(h);
                        }
                        p.addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024),
                                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri).version(WebSocketVersion.V13)
                                        .maxFramePayloadLength(options.maxMessageBytes())
                                        .handleCloseFrames(false) // the connection reports code and reason itself
                                        .sendCloseFrame(null) // abort() hangs up; close() sends its own frame
                                        .generateOriginHeader(false) // as the JDK client: no Origin
                                        .handshakeTimeoutMillis(timeoutMs + 1000) // our own timer below ends it first
                                        .build()),
                                new WebSocketFrameAggregator(options.maxMessageBytes()),
                                c.new Handler());
                    }
                });
        if (proxy != null) {
            b.resolver(NoopAddressResolverGroup.INSTANCE); // the proxy resolves the server's name
        }
        SocketAddress remote = proxy != null ? InetSocketAddress.createUnresolved(host, port)
                : address != null ? new InetSocketAddress(address, port) : new InetSocketAddress(host, port);
        ChannelFuture connecting;
        try {
            connecting = b.connect(remote);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                c.connectFailed(proxy == null ? f.cause() : new java.io.IOException("through proxy " + proxy + ": "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        connecting.channel().eventLoop().schedule(() -> c.timeOut(timeoutMs), timeoutMs, TimeUnit.MILLISECONDS);
        return c.opened();
    }

    private static SSLEngine clientEngine(SSLContext ctx, String host, int port) {
        SSLEngine engine = ctx.createSSLEngine(host, port); // the host name also goes out as SNI
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host, as with HttpClient
        engine.setSSLParameters(params);
        return engine;
    }

    /** The proxy {@code HTTPS_PROXY}/{@code HTTP_PROXY} name for this server, else the default selector's, or null. */
    private static HttpProxy environmentProxy(boolean tls, URI uri) {
        java.util.Optional<HttpProxy> env = HttpProxy.forTarget(uri, System.getenv());
        if (env.isPresent()) {
            return env.get();
        }
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return null;
        }
        URI asked = URI.create((tls ? "https" : "http") + "://" + uri.getRawAuthority());
        for (Proxy p : selector.select(asked)) {
            if (p.type() == Proxy.Type.HTTP && p.address() instanceof InetSocketAddress a) {
                return new HttpProxy(a.getHostString(), a.getPort(), null, null);
            }
        }
        return null;
    }
}
