package dev.peerlink.server.admin.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The admin token check: {@code Authorization: Bearer T}, the {@value #COOKIE} cookie, or {@code ?token=T} (a
 * browser's first load; the answer then sets the cookie). Compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither the content nor the length of the token leaks through timing.
 */
public final class Auth {
    public static final String COOKIE = "peerlink_admin";

    public enum Result { OPEN, BEARER, COOKIE, QUERY, DENIED }

    private final byte[] expected;

    /** {@code token} null: no token required. */
    public Auth(String token) {
        this.expected = token == null ? null : digest(token);
    }

    public boolean required() {
        return expected != null;
    }

    public Result check(HttpRequest req, QueryStringDecoder query) {
        if (expected == null) {
            return Result.OPEN;
        }
        String authz = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authz != null && authz.regionMatches(true, 0, "Bearer ", 0, 7) && matches(authz.substring(7).strip())) {
            return Result.BEARER;
        }
        String cookies = req.headers().get(HttpHeaderNames.COOKIE);
        if (cookies != null && cookies.length() <= 4096) {
            for (Cookie c : ServerCookieDecoder.STRICT.decode(cookies)) {
                if (COOKIE.equals(c.name()) && matches(c.value())) {
                    return Result.COOKIE;
                }
            }
        }
        List<String> t = query.parameters().get("token");
        if (t != null && t.size() == 1 && matches(t.get(0))) {
            return Result.QUERY;
        }
        return Result.DENIED;
    }

    private boolean matches(String given) {
        return MessageDigest.isEqual(expected, digest(given));
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
