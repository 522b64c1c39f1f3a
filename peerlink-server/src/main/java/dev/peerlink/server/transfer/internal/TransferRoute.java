package dev.peerlink.server.transfer.internal;

import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.wire.TransferCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sits after the HTTP aggregator on the signalling port: a request for {@code /v1/transfer} turns this connection
 * into a transfer connection (its own WebSocket limits and handler, replacing the signalling ones); anything else
 * passes through untouched. At most {@code maxConnections} transfer connections at once (503 beyond).
 */
public final class TransferRoute extends ChannelInboundHandlerAdapter {
    /** Before hello, a client may not send frames larger than this (the big frame limit is for authenticated senders). */
    static final int PRE_AUTH_FRAME_LIMIT = 64 * 1024;

    private final TransferService service;
    private final TransferCodec codec;
    private final WebSocketServerProtocolConfig ws;
    private final AtomicInteger open;
    private final int maxConnections;

    public TransferRoute(TransferService service, AtomicInteger open) {
        this.service = service;
        this.codec = new TransferCodec(service.maxPayload());
        this.open = open;
        this.maxConnections = service.config().maxConnections();
        this.ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(TransferClient.PATH)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(codec.maxFrame()).allowExtensions(false).build())
                .build();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof FullHttpRequest req) || !pathOf(req.uri()).equals(TransferClient.PATH)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            req.release();
            byte[] body = "too many transfer connections; try again later\n".getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Unpooled.wrappedBuffer(body));
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline p = ctx.pipeline();
        // Everything after this route belongs to signalling (including the handshake handler its WebSocket handler
        // added under a class name, which would otherwise stop ours from being added).
        List<String> names = p.names();
        for (String name : names.subList(names.indexOf(ctx.name()) + 1, names.size())) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        TransferChannelHandler handler = new TransferChannelHandler(service, codec);
        p.addAfter(ctx.name(), "transfer-ws", new WebSocketServerProtocolHandler(ws));
        p.addAfter("transfer-ws", "transfer-pre-auth", new PreAuthLimit(handler));
        p.addAfter("transfer-pre-auth", "transfer-aggregator", new WebSocketFrameAggregator(codec.maxFrame()));
        p.addAfter("transfer-aggregator", "transfer", handler);
        ctx.fireChannelRead(msg);
        p.remove(this);
    }

    static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Closes a connection that sends a large message before authenticating (no buffering megabytes for strangers). */
    private static final class PreAuthLimit extends ChannelInboundHandlerAdapter {
        private final TransferChannelHandler handler;
        private long pending;

        PreAuthLimit(TransferChannelHandler handler) {
            this.handler = handler;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame f && !handler.isAuthenticated()) {
                long total = pending + f.content().readableBytes();
                if (total > PRE_AUTH_FRAME_LIMIT) {
                    f.release();
                    ctx.close();
                    return;
                }
                pending = f.isFinalFragment() ? 0 : total;
            }
            ctx.fireChannelRead(msg);
        }
    }

}
