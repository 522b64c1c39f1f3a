package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.wire.ExitError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP proxy client connection, after Netty's {@link HttpServerCodec}: {@code CONNECT host:port} opens a flow,
 * answers {@code 200 Connection Established} and becomes a raw tunnel (the codec leaves the pipeline); an
 * absolute-form request opens a flow to its origin, goes on rewritten to origin-form (re-encoded by Netty's
 * {@link HttpRequestEncoder}, body streamed), and the origin's response is piped back raw until it closes.
 * Failures answer with the {@link ExitError}'s HTTP status and a one-line body; bad requests with 400/414/431.
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
    /** Request bytes held while the flow opens; past this, reading pauses until the relay takes over. */
    private static final int MAX_EARLY = 256 * 1024;

    private static final Duration LINGER = Duration.ofSeconds(2);

    private enum State { HEAD, CONNECTING, FORWARD_DIALING, FORWARDING, DONE }

    private final ProxyContext px;
    private final HttpServerCodec codec;
    private State state = State.HEAD;
    private boolean requestComplete;
    private EmbeddedChannel encoder;
    private CompositeByteBuf early;
    private boolean clientEnded;

    HttpProxyHandler(ProxyContext px, HttpServerCodec codec) {
        this.px = px;
        this.codec = codec;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req && state == State.HEAD) {
                head(ctx, req);
            } else if (msg instanceof HttpContent c && !requestComplete
                    && (state == State.FORWARD_DIALING || state == State.FORWARDING)) {
                body(ctx, c);
            } else if (msg instanceof ByteBuf b && state == State.CONNECTING) {
                keepEarly(ctx, b.retain()); // bytes the client sent right behind its CONNECT
            }
            // anything else (a second request on a forwarded connection, the CONNECT's empty content) is dropped
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : HttpResponseStatus.BAD_REQUEST;
            respond(ctx, status, "malformed request");
            return;
        }
        if (px.credentials() != null
                && !ProxyAuth.matchesBasic(px.credentials(), req.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
            FullHttpResponse r = response(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, "proxy authentication required");
            r.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"peerlink\", charset=\"UTF-8\"");
            send(ctx, r);
            return;
        }
        if (HttpMethod.CONNECT.equals(req.method())) {
            connect(ctx, req);
        } else if (req.uri().regionMatches(true, 0, "http://", 0, 7)) {
            forward(ctx, req);
        } else {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "this is a proxy: send CONNECT or an absolute http:// URI");
        }
    }

    private void connect(ChannelHandlerContext ctx, HttpRequest req) {
        HttpTarget target = HttpTarget.authority(req.uri());
        if (target == null) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "CONNECT needs host:port");
            return;
        }
        state = State.CONNECTING;
        dialing(ctx);
        FlowDial.open(px, ctx.channel(), target.host(), target.port(), new FlowDial.Outcome() {
            @Override
            public void opened(TrackedFlow flow) {
                tunnel(ctx, flow);
            }

            @Override
            public void failed(ExitError error) {
                respond(ctx, HttpResponseStatus.valueOf(error.httpStatus()), "exit: " + error.wire());
            }
        });
        // Stop decoding HTTP: whatever follows the CONNECT head is tunnel payload, handed here as raw bytes.
        codec.removeInboundHandler();
    }

    /**
     * While the flow opens: no handshake deadline (the dial has its own); reading goes on, to notice a client that
     * gives up, and what it sends (up to {@link #MAX_EARLY}) and its EOF are kept for the flow.
     */
    private static void dialing(ChannelHandlerContext ctx) {
        HandshakeDeadline.lift(ctx.pipeline());
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    private void tunnel(ChannelHandlerContext ctx, TrackedFlow flow) {
        state = State.DONE;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(200, "Connection Established")));
        ctx.pipeline().remove(codec);
        ctx.pipeline().addLast("relay", new FlowRelay(px, flow, FlowRelay.Ending.HALF_CLOSE, takeEarly(), clientEnded));
        ctx.pipeline().remove(this);
    }

    private void forward(ChannelHandlerContext ctx, HttpRequest req) {
        HttpTarget target = HttpTarget.absolute(req.uri());
        if (target == null) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "not a valid absolute http:// URI");
            return;
        }
        state = State.FORWARD_DIALING;
        dialing(ctx);
        encoder = new EmbeddedChannel(new HttpRequestEncoder());
        encode(ctx, HttpRequestRewriter.toOrigin(req, target));
        FlowDial.open(px, ctx.channel(), target.host(), target.port(), new FlowDial.Outcome() {
            @Override
            public void opened(TrackedFlow flow) {
                state = State.FORWARDING;
                codec.removeOutboundHandler(); // the origin's response goes back as it comes
                ctx.pipeline().addLast("relay", new FlowRelay(px, flow, FlowRelay.Ending.CLOSE_AFTER_RESPONSE, takeEarly(),
                        clientEnded));
            }

            @Override
            public void failed(ExitError error) {
                respond(ctx, HttpResponseStatus.valueOf(error.httpStatus()), "exit: " + error.wire());
            }
        });
    }

    private void body(ChannelHandlerContext ctx, HttpContent c) {
        if (c.decoderResult().isFailure()) {
            ctx.close(); // a broken body: the origin cannot get a well-framed request any more
            return;
        }
        requestComplete = c instanceof LastHttpContent;
        encode(ctx, c.retain());
    }

    /** Re-encodes a request part for the origin; the bytes go to the relay, or wait for the flow to open. */
    private void encode(ChannelHandlerContext ctx, HttpObject part) {
        encoder.writeOutbound(part);
        ByteBuf bytes;
        while ((bytes = encoder.readOutbound()) != null) {
            if (state == State.FORWARDING) {
                ctx.fireChannelRead(bytes);
            } else {
                keepEarly(ctx, bytes);
            }
        }
    }

    private void keepEarly(ChannelHandlerContext ctx, ByteBuf b) {
        if (early == null) {
            early = ctx.alloc().compositeBuffer();
        }
        early.addComponent(true, b);
        if (early.readableBytes() >= MAX_EARLY) {
            ctx.channel().config().setAutoRead(false); // enough held: the relay reads on once the flow is open
        }
    }

    private ByteBuf takeEarly() {
        ByteBuf b = early;
        early = null;
        return b;
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        send(ctx, response(status, text));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String text) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse r) {
        state = State.DONE;
        ctx.writeAndFlush(r).addListener(f -> lingerThenClose(ctx.channel()));
    }

    /**
     * Ends the proxy's side after an error response but keeps reading (and dropping) what the client still sends,
     * for a moment: closing with unread request bytes would reset the connection, and a reset can destroy the
     * response before the client reads it. The client's EOF, or {@link #LINGER}, ends the connection.
     */
    private static void lingerThenClose(Channel ch) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ch.close();
            return;
        }
        duplex.shutdownOutput();
        ch.eventLoop().schedule(() -> ch.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
        FlowRelay.resumeReading(ch);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            if ((state == State.CONNECTING && early != null) || (state == State.FORWARD_DIALING && requestComplete)) {
                clientEnded = true; // a request (or tunnel data) then EOF: both go to the flow
            } else if (state != State.FORWARDING) {
                ctx.close(); // nothing to deliver: a client that gave up
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cleanUp();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cleanUp();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void cleanUp() {
        ReferenceCountUtil.release(takeEarly());
        if (encoder != null) {
            encoder.finishAndReleaseAll();
            encoder = null;
        }
    }
}
