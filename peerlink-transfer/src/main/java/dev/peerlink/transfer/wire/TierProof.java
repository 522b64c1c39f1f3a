package dev.peerlink.transfer.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual authentication of a private tier and its central server with a shared secret. The private
 * server proves {@code HMAC-SHA256(secret, "peerlink-tier-v1" | serverNonce | tierId)} in its hello; the
 * central server answers {@code HMAC-SHA256(secret, "peerlink-central-v1" | clientNonce | serverNonce)} in its
 * welcome, so a private server never hands its senders' proofs to an impostor. Nonces are fresh per
 * connection: nothing can be replayed.
 */
public final class TierProof {
    private TierProof() {}

    public static byte[] tierProof(byte[] secret, byte[] serverNonce, String tierId) {
        return mac(secret, "peerlink-tier-v1", serverNonce, tierId.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] centralProof(byte[] secret, byte[] clientNonce, byte[] serverNonce) {
        return mac(secret, "peerlink-central-v1", clientNonce, serverNonce);
    }

    public static boolean matches(byte[] expected, byte[] given) {
        return given != null && MessageDigest.isEqual(expected, given);
    }

    private static byte[] mac(byte[] secret, String context, byte[] a, byte[] b) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            m.update(context.getBytes(StandardCharsets.US_ASCII));
            m.update(a);
            m.update(b);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
