package dev.peerlink.turn;

import dev.peerlink.stun.internal.Crypto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

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
        String username = now.plus(ttl).getEpochSecond() + ":" + user;
        return new TurnCredentials(username, restPassword(secret, username));
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
