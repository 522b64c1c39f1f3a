package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.internal.Crypto;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Stateless nonces: {@code "obMatJos2" + features + base64url(expiry ‖ HMAC(key, expiry ‖ client IP))}.
 * Nothing is stored per nonce, so a flood of challenges costs no memory; a nonce is valid only for
 * the address it was issued to, until its expiry (then 438). The key is per process.
 *
 * <p>The RFC 8489 nonce cookie tells clients that the server sent PASSWORD-ALGORITHMS, so a
 * man-in-the-middle who strips that attribute to force MD5 is detected. The 24 security-feature bits
 * are written with bit 0 ("password algorithms") set under both readings seen in the wild: the RFC's
 * MSB-first numbering (0x800000, "gAAA") and the LSB-first one some stacks use (0x000001). Every other
 * defined bit (username anonymity) is 0 either way, so each reader sees exactly "password algorithms".
 */
final class NonceFactory {
    static final String COOKIE = "obMatJos2";
    static final String FEATURES = "gAAB"; // base64 of 0x80 0x00 0x01, see the class comment
    static final String PREFIX = COOKIE + FEATURES;
    private static final int MAC_BYTES = 12;
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();

    enum Check { VALID, STALE }

    private final byte[] key = new byte[32];
    private final long lifetimeNanos;

    NonceFactory(long lifetimeNanos) {
        new SecureRandom().nextBytes(key);
        this.lifetimeNanos = lifetimeNanos;
    }

    String issue(InetAddress client, long nowNanos) {
        long expiry = nowNanos + lifetimeNanos;
        byte[] body = ByteBuffer.allocate(8 + MAC_BYTES).putLong(expiry).put(mac(expiry, client)).array();
        return PREFIX + ENC.encodeToString(body);
    }

    /** STALE covers expired, forged and foreign nonces alike: the client's remedy is the same, retry with a fresh one. */
    Check check(String nonce, InetAddress client, long nowNanos) {
        if (!nonce.startsWith(PREFIX) || nonce.length() > 64) {
            return Check.STALE;
        }
        byte[] body;
        try {
            body = DEC.decode(nonce.substring(PREFIX.length()).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return Check.STALE;
        }
        if (body.length != 8 + MAC_BYTES) {
            return Check.STALE;
        }
        long expiry = ByteBuffer.wrap(body).getLong();
        if (!MessageDigest.isEqual(mac(expiry, client), Arrays.copyOfRange(body, 8, body.length))) {
            return Check.STALE;
        }
        return nowNanos - expiry < 0 ? Check.VALID : Check.STALE;
    }

    private byte[] mac(long expiry, InetAddress client) {
        byte[] ip = client.getAddress();
        byte[] in = ByteBuffer.allocate(8 + ip.length).putLong(expiry).put(ip).array();
        return Arrays.copyOf(Crypto.hmacSha256(key, in, 0, in.length), MAC_BYTES);
    }
}
