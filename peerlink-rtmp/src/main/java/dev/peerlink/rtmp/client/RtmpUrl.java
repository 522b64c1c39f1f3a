package dev.peerlink.rtmp.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/** {@code rtmp://host[:port]/app/key}: the server, the application and the stream key (which may contain '/'). */
public record RtmpUrl(String host, int port, String app, String key) {
    public static final int DEFAULT_PORT = 1935;

    public static RtmpUrl parse(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an RTMP URL: " + text);
        }
        if (!"rtmp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawPath() == null) {
            throw new IllegalArgumentException("not an rtmp://host[:port]/app/key URL: " + text);
        }
        String path = u.getRawPath().startsWith("/") ? u.getRawPath().substring(1) : u.getRawPath();
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("an RTMP URL needs /app/key: " + text);
        }
        String key = path.substring(slash + 1) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new RtmpUrl(u.getHost(), u.getPort() < 0 ? DEFAULT_PORT : u.getPort(), path.substring(0, slash), key);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    public String tcUrl() {
        return "rtmp://" + host + ":" + port + "/" + app;
    }

    @Override
    public String toString() {
        return tcUrl() + "/" + key;
    }
}
