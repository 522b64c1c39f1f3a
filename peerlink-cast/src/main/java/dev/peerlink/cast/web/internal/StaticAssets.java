package dev.peerlink.cast.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The page's files, read once from the classpath ({@code dev/peerlink/cast/web/}): path → type and bytes. */
public final class StaticAssets {
    public record Asset(String contentType, byte[] body) {}

    private static final String BASE = "/dev/peerlink/cast/web/";

    private final Map<String, Asset> assets;

    public StaticAssets() {
        assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/index.html", load("index.html", "text/html; charset=utf-8"),
                "/player.js", load("player.js", "text/javascript; charset=utf-8"),
                "/player.css", load("player.css", "text/css; charset=utf-8"));
    }

    /** The asset at {@code path}, or null. */
    public Asset get(String path) {
        return assets.get(path);
    }

    private static Asset load(String name, String type) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BASE + name);
            }
            return new Asset(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
