package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: sends the challenge after the handshake, rate-limits and decodes text
 * frames, hands messages to the {@link Broker}, and closes silent or unregistered connections.
 * Plain HTTP: {@code GET /healthz} answers 200, anything else 404.
 */
public final class SignalChannelHandler extends SimpleChannelInboundHandler<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(SignalChannelHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Broker broker;
    private final SignallingCodec codec;
    private final double rate;
    private final int burst;
    private final long registerTimeoutMs;
    private final IdleSweeper idle;
    /** System.nanoTime() of the last message received (read by the sweeper's thread). */
    volatile long lastReadNanos = System.nanoTime();
    private volatile Channel channel;
    private NettyConn conn;
    private TokenBucket bucket;

    public SignalChannelHandler(Broker broker, SignallingCodec codec, double rate, int burst, long registerTimeoutMs,
                                IdleSweeper idle) {
        this.broker = broker;
        this.idle = idle;
        this.codec = codec;
        this.rate = rate;
        this.burst = burst;
        this.registerTimeoutMs = registerTimeoutMs;
    }

    /** How long a connection being closed may keep sending before the socket is closed anyway. */
    private static final long CLOSE_DRAIN_MS = 2000;

    final class NettyConn extends Conn {
        final Channel ch;
        /** Set once we have said goodbye: later frames are read and dropped, never processed. */
        volatile boolean closing;

        NettyConn(Channel ch, byte[] nonce) {
            super(nonce, ((InetSocketAddress) ch.remoteAddress()).getAddress());
            this.ch = ch;
        }

        @Override
        public void send(Message m) {
            ch.writeAndFlush(new TextWebSocketFrame(codec.encode(m)), ch.voidPromise());
        }

        @Override
        public void sendAndClose(Message m) {
            closing = true;
            ch.writeAndFlush(new TextWebSocketFrame(codec.encode(m)));
            ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION)).addListener(f -> {
                // Half-close and keep draining instead of closing: closing a socket with unread input
                // makes the kernel send RST, and an RST can destroy the error frame in the client's
                // receive queue before it is read. The client's close frame (or the drain limit) ends it.
                if (ch instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                }
                ch.eventLoop().schedule(() -> ch.close(), CLOSE_DRAIN_MS, TimeUnit.MILLISECONDS);
            });
        }

        @Override
        public void close() {
            ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        lastReadNanos = System.nanoTime();
        idle.add(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        idle.remove(this); // the connection became a transfer connection
    }

    String describe() {
        Channel ch = channel;
        NettyConn c = conn;
        return (ch == null ? "-" : String.valueOf(ch.remoteAddress())) + " (" + (c == null ? "-" : c.deviceId()) + ")";
    }

    /** Called by the {@link IdleSweeper}: the connection missed its heartbeats. */
    void closeSilent() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            byte[] nonce = new byte[32];
            RANDOM.nextBytes(nonce);
            conn = new NettyConn(ctx.channel(), nonce);
            bucket = new TokenBucket(rate, burst, System.nanoTime());
            conn.send(broker.challenge(conn));
            ctx.executor().schedule(() -> {
                if (conn.deviceId() == null && ctx.channel().isActive()) {
                    conn.sendAndClose(new Message.Error(null, ErrorCode.TIMEOUT, "no registration in time"));
                }
            }, registerTimeoutMs, TimeUnit.MILLISECONDS);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        if (msg instanceof FullHttpRequest req) {
            boolean health = req.uri().equals("/healthz");
            byte[] body = (health ? "ok\n" : "peerlink signalling: open a WebSocket to /v1/signal\n").getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    health ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!(msg instanceof WebSocketFrame frame) || conn == null || conn.closing) {
            return;
        }
        if (!bucket.take(System.nanoTime())) {
            LOG.debug("rate limit: closing {} ({})", ctx.channel().remoteAddress(), conn.deviceId());
            conn.sendAndClose(new Message.Error(null, ErrorCode.RATE_LIMITED, "more than " + rate + " messages/s"));
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            conn.sendAndClose(new Message.Error(null, ErrorCode.MALFORMED, "signalling uses text frames"));
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            return;
        }
        Message m;
        try {
            m = codec.decode(ByteBufUtil.getBytes(text.content()));
        } catch (ProtocolException e) {
            if (broker.protocolError(conn, e)) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        broker.onMessage(conn, m);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        idle.remove(this);
        if (conn != null) {
            broker.onClose(conn);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("signalling connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
