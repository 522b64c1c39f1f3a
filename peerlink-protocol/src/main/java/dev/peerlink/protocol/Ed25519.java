package dev.peerlink.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys as the protocol carries them (raw 32-byte public keys, base64url without padding)
 * and the registration signature: Ed25519 over {@code "peerlink-register-v1" || nonce || deviceId}.
 */
public final class Ed25519 {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final byte[] REGISTER_CONTEXT = "peerlink-register-v1".getBytes(StandardCharsets.US_ASCII);
    /** The transfer endpoint's hello signs another context, so a signature never authenticates the other protocol. */
    private static final byte[] TRANSFER_CONTEXT = "peerlink-transfer-v1".getBytes(StandardCharsets.US_ASCII);
    public static final int NONCE_BYTES = 32;

    private Ed25519() {}

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] unb64(String text) {
        return Base64.getUrlDecoder().decode(text);
    }

    /** The raw 32-byte key of an Ed25519 public key, base64url. */
    public static String encodePublicKey(PublicKey key) {
        byte[] der = key.getEncoded();
        if (der.length != SPKI_PREFIX.length + 32 || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return b64(Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
    }

    public static PublicKey decodePublicKey(String raw) {
        byte[] key = checkPublicKey(raw);
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(key, 0, der, SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    static byte[] checkPublicKey(String raw) {
        if (raw == null || raw.length() != 43) {
            throw new IllegalArgumentException("public key must be 32 bytes, base64url without padding");
        }
        try {
            byte[] key = unb64(raw);
            if (key.length != 32 || !b64(key).equals(raw)) { // one canonical text per key
                throw new IllegalArgumentException();
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key must be 32 bytes, base64url without padding");
        }
    }

    public static byte[] registerPayload(byte[] nonce, DeviceId deviceId) {
        return payload(REGISTER_CONTEXT, nonce, deviceId);
    }

    private static byte[] payload(byte[] context, byte[] nonce, DeviceId deviceId) {
        byte[] id = deviceId.value().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[context.length + nonce.length + id.length];
        System.arraycopy(context, 0, out, 0, context.length);
        System.arraycopy(nonce, 0, out, context.length, nonce.length);
        System.arraycopy(id, 0, out, context.length + nonce.length, id.length);
        return out;
    }

    /** The registration signature, base64url. */
    public static String signRegistration(PrivateKey key, byte[] nonce, DeviceId deviceId) {
        return sign(key, registerPayload(nonce, deviceId));
    }

    /** The transfer endpoint's hello signature, base64url. */
    public static String signTransferHello(PrivateKey key, byte[] nonce, DeviceId deviceId) {
        return sign(key, payload(TRANSFER_CONTEXT, nonce, deviceId));
    }

    public static boolean verifyTransferHello(String publicKey, String signature, byte[] nonce, DeviceId deviceId) {
        return verify(publicKey, signature, payload(TRANSFER_CONTEXT, nonce, deviceId));
    }

    private static String sign(PrivateKey key, byte[] payload) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(payload);
            return b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True when {@code signature} (base64url) is the key's registration signature over nonce and id. */
    public static boolean verifyRegistration(String publicKey, String signature, byte[] nonce, DeviceId deviceId) {
        return verify(publicKey, signature, registerPayload(nonce, deviceId));
    }

    private static boolean verify(String publicKey, String signature, byte[] payload) {
        try {
            byte[] sig = unb64(signature);
            if (sig.length != 64) {
                return false;
            }
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(decodePublicKey(publicKey));
            s.update(payload);
            return s.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
