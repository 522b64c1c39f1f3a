package dev.peerlink.server.admin.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dashboard's files, read from the class path: {@code /} is {@value #ROOT}index.html, {@code /dashboard/P} is
 * {@value #ROOT}P, {@code /webjars/P} is a WebJar's {@code META-INF/resources/webjars/P}. Paths are checked segment by
 * segment (no "..", no hidden files), so nothing outside those folders can be named.
 */
public final class StaticFiles {
    public static final String ROOT = "dev/peerlink/server/admin/dashboard/";
    static final String WEBJARS = "META-INF/resources/webjars/";
    static final int MAX_BYTES = 8 * 1024 * 1024;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._@+-]{0,127}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"),
            Map.entry("woff", "font/woff"), Map.entry("txt", "text/plain; charset=utf-8"));

    public record File(byte[] bytes, String contentType) {}

    private StaticFiles() {}

    /** The file a request path names, if it is one of ours and exists. */
    public static Optional<File> lookup(String path) {
        String resource;
        if (path.equals("/") || path.equals("/index.html")) {
            resource = ROOT + "index.html";
        } else if (path.startsWith("/dashboard/")) {
            resource = safe(path.substring("/dashboard/".length()), ROOT);
        } else if (path.startsWith("/webjars/")) {
            resource = safe(path.substring("/webjars/".length()), WEBJARS);
        } else {
            return Optional.empty();
        }
        if (resource == null) {
            return Optional.empty();
        }
        ClassLoader cl = StaticFiles.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                return Optional.empty();
            }
            return Optional.of(new File(bytes, type(resource)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String safe(String rest, String root) {
        if (rest.isEmpty() || rest.endsWith("/")) {
            return null;
        }
        for (String segment : rest.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals("..")) {
                return null;
            }
        }
        return root + rest;
    }

    static String type(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
