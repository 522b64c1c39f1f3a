package dev.peerlink.exit.proxy.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The proxy's listening sockets, its client connections and its event loops: binding them and shutting them down. */
public final class ProxyServers {
    /** Per-connection bound on bytes queued toward the client before the flow stops being read. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final ProxyContext px;
    private final Transport transport;
    private final ChannelGroup connections = new DefaultChannelGroup("proxy-connections", GlobalEventExecutor.INSTANCE);
    private final ConnectionLimiter limiter;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel socks;
    private Channel http;

    private ProxyServers(ProxyContext px, Transport transport) {
        this.px = px;
        this.transport = transport;
        this.limiter = new ConnectionLimiter(px, connections);
    }

    public static ProxyServers bind(ProxyContext px, InetSocketAddress socks, InetSocketAddress http) throws IOException {
        ProxyServers s = new ProxyServers(px, Transport.create());
        try {
            if (socks != null) {
                s.socks = s.listen(socks, s.socksInitializer());
            }
            if (http != null) {
                s.http = s.listen(http, s.httpInitializer());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public InetSocketAddress socksAddress() {
        return socks == null ? null : (InetSocketAddress) socks.localAddress();
    }

    public InetSocketAddress httpAddress() {
        return http == null ? null : (InetSocketAddress) http.localAddress();
    }

    private Channel listen(InetSocketAddress address, ChannelHandler initializer) throws IOException {
        ChannelFuture f = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer)
                .bind(address)
                .awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot listen on " + address + ": " + f.cause().getMessage(), f.cause());
        }
        return f.channel();
    }

    private ChannelHandler socksInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("limiter", limiter)
                        .addLast(HandshakeDeadline.NAME, new HandshakeDeadline(px.limits().handshakeTimeout()))
                        .addLast("socks4-refusal", new SocksVersionGate())
                        .addLast(SocksServerHandler.ENCODER, Socks5ServerEncoder.DEFAULT)
                        .addLast(SocksServerHandler.GREETING, new Socks5InitialRequestDecoder())
                        .addLast("socks", new SocksServerHandler(px, transport));
            }
        };
    }

    private ChannelHandler httpInitializer() {
        int max = px.limits().maxRequestHead();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                HttpServerCodec codec = new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(max).setMaxHeaderSize(max).setMaxChunkSize(16 * 1024));
                ch.pipeline().addLast("limiter", limiter)
                        .addLast(HandshakeDeadline.NAME, new HandshakeDeadline(px.limits().handshakeTimeout()))
                        .addLast("http-codec", codec)
                        .addLast("http", new HttpProxyHandler(px, codec));
            }
        };
    }

    /** Stops listening, closes every connection (their flows and UDP associations follow) and the event loops. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Channel server : new Channel[] {socks, http}) {
            if (server != null) {
                server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        px.closeAllFlows();
        transport.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        px.closeAllFlows();
    }
}
