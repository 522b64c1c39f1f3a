package dev.peerlink.server.admin.internal;

import dev.peerlink.server.admin.AdminData;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes one admin request: token check, then metrics, the JSON API, the event stream or a dashboard file. */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final int MAX_URI = 2048;

    private final Auth auth;
    private final PrometheusMeterRegistry registry;
    private final Supplier<String> summary;
    private final AdminData data;
    private final EventStream events;
    private boolean streaming;

    public AdminHandler(Auth auth, PrometheusMeterRegistry registry, Supplier<String> summary, AdminData data, EventStream events) {
        this.auth = auth;
        this.registry = registry;
        this.summary = summary;
        this.data = data;
        this.events = events;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (streaming) {
            return; // nothing more is read from an event-stream connection
        }
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
            return;
        }
        if (req.uri().length() > MAX_URI) {
            send(ctx, req, text(HttpResponseStatus.REQUEST_URI_TOO_LONG, "URI too long\n"), false);
            return;
        }
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!req.method().equals(HttpMethod.GET) && !head) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, req, r, false);
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        Auth.Result access = auth.check(req, query);
        if (access == Auth.Result.DENIED) {
            FullHttpResponse r = text(HttpResponseStatus.UNAUTHORIZED,
                    "this admin listener needs its token: Authorization: Bearer TOKEN (or ?token=TOKEN once in a browser)\n");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"peerlink admin\"");
            send(ctx, req, r, head);
            return;
        }
        String path = query.path();
        try {
            FullHttpResponse r = switch (path) {
                case "/metrics" -> body(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape(PROMETHEUS_TEXT));
                case "/api/summary" -> body(HttpResponseStatus.OK, "application/json", summary.get());
                case "/api/qos" -> body(HttpResponseStatus.OK, "application/geo+json", QosGeoJson.of(data));
                case "/api/events" -> null;
                default -> file(path, access);
            };
            if (r == null) {
                stream(ctx, req, access, query);
                return;
            }
            if (access == Auth.Result.QUERY) {
                r.headers().set(HttpHeaderNames.SET_COOKIE, cookie(query));
            }
            send(ctx, req, r, head);
        } catch (RuntimeException e) {
            LOG.warn("admin request {} failed", path, e);
            send(ctx, req, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"), head);
        }
    }

    private FullHttpResponse file(String path, Auth.Result access) {
        Optional<StaticFiles.File> f = StaticFiles.lookup(path);
        if (f.isEmpty()) {
            return text(HttpResponseStatus.NOT_FOUND, "not found\n");
        }
        if (access == Auth.Result.QUERY && f.get().contentType().startsWith("text/html")) {
            // the token leaves the address bar (and history) at once; the cookie carries it from now on
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER, Unpooled.EMPTY_BUFFER);
            r.headers().set(HttpHeaderNames.LOCATION, path);
            return r;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(f.get().bytes()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, f.get().contentType());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return r;
    }

    private void stream(ChannelHandlerContext ctx, FullHttpRequest req, Auth.Result access, QueryStringDecoder query) {
        if (events.size() >= EventStream.MAX_SUBSCRIBERS) {
            send(ctx, req, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many event streams\n"), false);
            return;
        }
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().set("X-Content-Type-Options", "nosniff");
        HttpUtil.setTransferEncodingChunked(r, true);
        if (access == Auth.Result.QUERY) {
            r.headers().set(HttpHeaderNames.SET_COOKIE, cookie(query));
        }
        streaming = true;
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (!events.subscribe(ctx.channel())) {
            ctx.close();
        }
    }

    /** The token that came in the query (it matched), as a session cookie scripts cannot read. */
    private static String cookie(QueryStringDecoder query) {
        DefaultCookie c = new DefaultCookie(Auth.COOKIE, query.parameters().get("token").get(0));
        c.setHttpOnly(true);
        c.setPath("/");
        c.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    static FullHttpResponse text(HttpResponseStatus status, String s) {
        return body(status, "text/plain; charset=utf-8", s);
    }

    static FullHttpResponse body(HttpResponseStatus status, String type, String s) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r, boolean head) {
        r.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().set("Referrer-Policy", "no-referrer");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (head) {
            r.content().clear();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req) && r.status().code() < 400;
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // an idle keep-alive connection (event streams are written every second, never idle)
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
