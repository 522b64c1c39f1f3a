package dev.peerlink.stun.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC, digests and CRC-32 for STUN. Mac instances are cached per thread: getInstance is slow. */
public final class Crypto {
    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> mac("HmacSHA1"));
    private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(() -> mac("HmacSHA256"));

    private Crypto() {}

    private static Mac mac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " missing from this JRE", e);
        }
    }

    public static byte[] hmacSha1(byte[] key, byte[] data, int off, int len) {
        return hmac(HMAC_SHA1.get(), "HmacSHA1", key, data, off, len);
    }

    public static byte[] hmacSha256(byte[] key, byte[] data, int off, int len) {
        return hmac(HMAC_SHA256.get(), "HmacSHA256", key, data, off, len);
    }

    private static byte[] hmac(Mac mac, String algorithm, byte[] key, byte[] data, int off, int len) {
        try {
            // An empty key is legal in HMAC but SecretKeySpec refuses it; one zero byte is equivalent.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        mac.update(data, off, len);
        return mac.doFinal();
    }

    public static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " missing from this JRE", e);
        }
    }

    public static int crc32(byte[] data, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }
}
