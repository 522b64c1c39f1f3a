package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.turn.TurnCredentials;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Passwords by username: a static map (checked first), then REST-style time-limited names derived
 * from the shared secret. USERHASH resolves for static users only: a REST name cannot be recovered
 * from its hash.
 */
final class CredentialStore {
    /** A known user: the name the client signs with, the identity quotas count, the password. */
    record Credential(String username, String quotaUser, String password) {}

    private final Map<String, String> users;
    private final String secret;
    private final Map<ByteBuffer, String> byHash = new HashMap<>();

    CredentialStore(Map<String, String> users, String secret, String realm) {
        this.users = Map.copyOf(users);
        this.secret = secret;
        users.keySet().forEach(u -> byHash.put(ByteBuffer.wrap(StunIntegrity.userHash(u, realm)), u));
    }

    Optional<Credential> lookup(String username, Instant now) {
        String pw = users.get(username);
        if (pw != null) {
            return Optional.of(new Credential(username, username, pw));
        }
        if (secret == null) {
            return Optional.empty();
        }
        return TurnCredentials.expiryOf(username)
                .filter(expiry -> expiry.isAfter(now))
                .map(expiry -> new Credential(username, "rest:" + TurnCredentials.userOf(username),
                        TurnCredentials.restPassword(secret, username)));
    }

    Optional<String> usernameForHash(byte[] hash) {
        return Optional.ofNullable(byHash.get(ByteBuffer.wrap(hash)));
    }
}
