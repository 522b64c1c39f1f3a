package dev.peerlink.turn.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials of the "TURN REST API" scheme (coturn's {@code use-auth-secret}):
 * {@code username = <unix-expiry>:<user>}, {@code password = base64(HMAC-SHA1(secret, username))}.
 * Whoever knows the shared secret mints them; the relay checks them without a user database, and
 * they stop working at the expiry in the username.
 */
public record TurnCredentials(String username, String password, Instant expires) {
    public TurnCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(expires, "expires");
    }

    /** Credentials for {@code user} valid for {@code ttl} from now. */
    public static TurnCredentials mint(String secret, String user, Duration ttl) {
        return mint(secret, user, Instant.now().plus(ttl));
    }

    public static TurnCredentials mint(String secret, String user, Instant expires) {
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            // The user part is what quotas count; a ':' would make "expiry:user" ambiguous to parse.
            throw new IllegalArgumentException("user must be non-empty and contain no ':'");
        }
        String username = expires.getEpochSecond() + ":" + user;
        return new TurnCredentials(username, password(secret, username), Instant.ofEpochSecond(expires.getEpochSecond()));
    }

    /** The password the secret gives {@code username}. */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 missing from this JRE", e);
        }
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
}
