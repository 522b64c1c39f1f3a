package dev.peerlink.protocol;

import java.util.List;

/**
 * Where the server's TURN relay is and time-limited credentials for it (TURN REST style: the
 * username carries the expiry, the password is an HMAC of it under the relay's secret). {@code urls} are UDP
 * {@code ip:port}s (what every client reads); {@code streamUrls} are {@link TurnUri}s reaching the same relay
 * over TCP or TLS ({@code turns:}), for networks that block UDP. Older clients ignore {@code streamUrls}.
 */
public record RelayGrant(List<String> urls, String username, String password, long ttlSeconds, List<String> streamUrls) {
    public RelayGrant(List<String> urls, String username, String password, long ttlSeconds) {
        this(urls, username, password, ttlSeconds, List.of());
    }

    public RelayGrant {
        urls = List.copyOf(urls);
        for (String u : urls) {
            Endpoints.parse(u);
        }
        streamUrls = List.copyOf(streamUrls);
        for (String u : streamUrls) {
            TurnUri.parse(u);
        }
        if (username == null || password == null || username.length() > 512 || password.length() > 512) {
            throw new IllegalArgumentException("relay grant needs a username and password");
        }
    }
}
