package dev.peerlink.exit.proxy.internal;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Turns a proxy request into the request its origin server gets: origin-form target, the Host of the absolute URI,
 * hop-by-hop headers removed (RFC 9110 §7.6.1, including those the Connection header names) and
 * {@code Connection: close}, since the proxy relays one exchange per flow.
 */
final class HttpRequestRewriter {
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final List<AsciiString> HOP_BY_HOP = List.of(PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.CONNECTION, KEEP_ALIVE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE);
    /** Message framing the decoder already acted on: removing these would desynchronise the body sent on. */
    private static final List<AsciiString> FRAMING = List.of(HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.HOST);

    private HttpRequestRewriter() {}

    static HttpRequest toOrigin(HttpRequest request, HttpTarget target) {
        HttpHeaders headers = request.headers().copy();
        for (String listed : request.headers().getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : listed.split(",")) {
                String name = token.strip();
                if (!name.isEmpty() && FRAMING.stream().noneMatch(f -> f.contentEqualsIgnoreCase(name))) {
                    headers.remove(name);
                }
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
        headers.set(HttpHeaderNames.HOST, target.hostHeader());
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return new DefaultHttpRequest(request.protocolVersion(), request.method(), target.originForm(), headers);
    }
}
