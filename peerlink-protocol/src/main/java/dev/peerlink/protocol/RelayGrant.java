package dev.peerlink.protocol;

import java.util.List;

/**
 * Where the server's TURN relay is and time-limited credentials for it (TURN REST style: the
 * username carries the expiry, the password is an HMAC of it under the relay's secret).
 */
public record RelayGrant(List<String> urls, String username, String password, long ttlSeconds) {
    public RelayGrant {
        urls = List.copyOf(urls);
        for (String u : urls) {
            Endpoints.parse(u);
        }
        if (username == null || password == null || username.length() > 512 || password.length() > 512) {
            throw new IllegalArgumentException("relay grant needs a username and password");
        }
    }
}
