package dev.peerlink.turn;

import dev.peerlink.stun.internal.Crypto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A TURN username and password for the long-term credential mechanism. Either fixed, or minted
 * REST-style from a secret shared with the server (draft-uberti-behave-turn-rest, as coturn's
 * {@code --use-auth-secret}): username {@code expiry:user} with expiry in Unix seconds, password
 * {@code base64(HMAC-SHA1(secret, username))}. The server recomputes the password from the
 * username, so nothing but the secret has to be shared.
 */
public record TurnCredentials(String username, String password) {
    public TurnCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    public static TurnCredentials of(String username, String password) {
        return new TurnCredentials(username, password);
    }

    /** Credentials valid for {@code ttl} from now. */
    public static TurnCredentials mint(String secret, String user, Duration ttl) {
        return mint(secret, user, ttl, Instant.now());
    }

    /** Credentials valid for {@code ttl} from {@code now}. */
    public static TurnCredentials mint(String secret, String user, Duration ttl, Instant now) {
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            // The user part is what quotas count; a ':' would make "expiry:user" ambiguous to parse.
            throw new IllegalArgumentException("user must be non-empty and contain no ':'");
        }
        String username = now.plus(ttl).getEpochSecond() + ":" + user;
        return new TurnCredentials(username, restPassword(secret, username));
    }

    /** When REST-style credentials stop working; empty for fixed ones. */
    public Optional<Instant> expires() {
        return expiryOf(username);
    }

    /**
     * The expiry in a REST username: the leading decimal digits up to ':' (or the whole name, as
     * coturn also accepts a bare timestamp). Empty when the name is not of that form.
     */
    public static Optional<Instant> expiryOf(String username) {
        int colon = username.indexOf(':');
        String digits = colon < 0 ? username : username.substring(0, colon);
        if (digits.isEmpty() || digits.length() > 12) {
            return Optional.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(digits)));
    }

    /** The user part of a REST username (after the first ':'), or the whole name. */
    public static String userOf(String username) {
        int colon = username.indexOf(':');
        return colon < 0 ? username : username.substring(colon + 1);
    }

    /** The password a REST-style username has under {@code secret}; the server side of {@link #mint}. */
    public static String restPassword(String secret, String username) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        byte[] msg = username.getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(Crypto.hmacSha1(key, msg, 0, msg.length));
    }

    @Override
    public String toString() {
        return "TurnCredentials[" + username + ", password hidden]";
    }
}
