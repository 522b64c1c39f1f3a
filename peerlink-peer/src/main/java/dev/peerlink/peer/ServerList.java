package dev.peerlink.peer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Signalling server lists as users write them: {@code A,B,C}, each {@code host:port}, {@code ws://...} or {@code wss://...}. */
public final class ServerList {
    private ServerList() {}

    /**
     * The servers of a comma-separated list, in the order written; {@code host:port} means
     * {@code ws://host:port/v1/signal}. Throws {@link IllegalArgumentException} for an empty list or entry, or a URL
     * that is not ws:// or wss:// with a host.
     */
    public static List<URI> parse(String servers) {
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("no server given");
        }
        List<URI> out = new ArrayList<>();
        for (String part : servers.split(",", -1)) {
            out.add(one(part.trim()));
        }
        return List.copyOf(out);
    }

    /** One server: {@code host:port}, or a ws:// or wss:// URL. */
    public static URI one(String server) {
        if (server.isEmpty()) {
            throw new IllegalArgumentException("empty server in the list");
        }
        URI uri;
        try {
            uri = URI.create(server.contains("://") ? server : "ws://" + server + "/v1/signal");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a server: " + server + " (" + e.getMessage() + ")", e);
        }
        check(uri);
        return uri;
    }

    static URI check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("not a ws:// or wss:// server: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in server " + uri);
        }
        return uri;
    }
}
