package dev.peerlink.protocol.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A Netty WebSocket server at {@code /ws} on loopback for the connector's tests: records texts and pongs, hands out its channel. */
final class TestWebSocketServer implements AutoCloseable {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Channel> opened = new LinkedBlockingQueue<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final boolean tls;

    TestWebSocketServer(SslContext ssl) throws InterruptedException {
        this.tls = ssl != null;
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws")
                                        .maxFramePayloadLength(64 << 20).dropPongFrames(false).build()),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                                            opened.add(ctx.channel());
                                        }
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                                        if (f instanceof TextWebSocketFrame t) {
                                            received.add(t.text());
                                        } else if (f instanceof PongWebSocketFrame p) {
                                            received.add("pong " + p.content().toString(java.nio.charset.StandardCharsets.UTF_8));
                                        }
                                    }
                                },
                                new SimpleChannelInboundHandler<FullHttpRequest>() { // any other path
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND))
                                                .addListener(ChannelFutureListener.CLOSE);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    URI uri(String path) {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort() + path);
    }

    @Override
    public void close() {
        listener.close();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }
}
