package dev.peerlink.cast.web.internal;

import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.cast.web.TagFeed;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One connection of the receiver's web server: checks method, Host and path, then answers with a page file, the QR,
 * the status, or turns the connection into a stream (/live.flv, /events) for the rest of its life.
 */
public final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Shared by all connections of one server. */
    public record Context(TagFeed feed, CastStatus status, StaticAssets assets, HostGuard hosts,
                          AtomicInteger viewers, AtomicInteger streams, int maxStreams) {}

    private final Context c;
    private EventStream events;
    private boolean streaming;

    public WebHandler(Context context) {
        this.c = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (streaming) {
            return; // a stream owns this connection; a pipelined request after it is ignored
        }
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus st = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            Responses.error(ctx, st, st.reasonPhrase());
            return;
        }
        if (!c.hosts().allows(req.headers().get(HttpHeaderNames.HOST))) {
            Responses.error(ctx, HttpResponseStatus.MISDIRECTED_REQUEST, "this server answers only to its IP address or localhost");
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            Responses.error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET");
            return;
        }
        if (req.content().isReadable()) {
            Responses.error(ctx, HttpResponseStatus.BAD_REQUEST, "a GET has no body");
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String path = new QueryStringDecoder(req.uri()).path();
        switch (path) {
            case "/live.flv" -> startStream(ctx, true);
            case "/events" -> startStream(ctx, false);
            case "/status" -> Responses.send(ctx, keepAlive, HttpResponseStatus.OK, "application/json",
                    StatusJson.of(c.status().snapshot()).getBytes(StandardCharsets.UTF_8));
            case "/qr.png" -> qr(ctx, keepAlive);
            default -> {
                StaticAssets.Asset a = c.assets().get(path);
                if (a == null) {
                    Responses.error(ctx, HttpResponseStatus.NOT_FOUND, "not found");
                } else {
                    Responses.send(ctx, keepAlive, HttpResponseStatus.OK, a.contentType(), a.body());
                }
            }
        }
    }

    private void qr(ChannelHandlerContext ctx, boolean keepAlive) {
        Supplier<byte[]> source = c.status().qrPng();
        byte[] png = source == null ? null : source.get();
        if (png == null) {
            Responses.error(ctx, HttpResponseStatus.NOT_FOUND, "no QR code");
        } else {
            Responses.send(ctx, keepAlive, HttpResponseStatus.OK, "image/png", png);
        }
    }

    private void startStream(ChannelHandlerContext ctx, boolean video) {
        if (c.streams().incrementAndGet() > c.maxStreams()) {
            c.streams().decrementAndGet();
            Responses.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many open streams");
            return;
        }
        streaming = true;
        ctx.channel().closeFuture().addListener(f -> c.streams().decrementAndGet());
        if (video) {
            c.status().viewers(c.viewers().incrementAndGet());
            FlvStream.start(ctx.channel(), c.feed(), () -> c.status().viewers(c.viewers().decrementAndGet()));
        } else {
            events = EventStream.start(ctx.channel(), c.status());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (events != null) {
            events.writable();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // idle: a connection that sent nothing for a while and is not a stream (whose clients only listen)
        if (evt instanceof IdleStateEvent && !streaming) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset by a closing browser tab is routine; nothing to report
    }
}
