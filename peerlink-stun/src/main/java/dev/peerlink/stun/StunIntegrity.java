package dev.peerlink.stun;

import dev.peerlink.stun.internal.Bytes;
import dev.peerlink.stun.internal.Crypto;
import dev.peerlink.stun.internal.SaslPrep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/** Credential keys (RFC 8489 §9) and verification of MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256. */
public final class StunIntegrity {
    private StunIntegrity() {}

    /** Short-term credential key: the prepared password itself. */
    public static byte[] shortTermKey(String password) {
        return SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8);
    }

    /** Long-term key, algorithm MD5 (the default, and the only one of RFC 5389). */
    public static byte[] longTermKeyMd5(String username, String realm, String password) {
        return Crypto.digest("MD5", longTermInput(username, realm, password));
    }

    /** Long-term key, algorithm SHA-256 (RFC 8489 §18.5.1.2). */
    public static byte[] longTermKeySha256(String username, String realm, String password) {
        return Crypto.digest("SHA-256", longTermInput(username, realm, password));
    }

    /** USERHASH value: SHA-256(username ":" realm) (RFC 8489 §14.4). */
    public static byte[] userHash(String username, String realm) {
        return Crypto.digest("SHA-256", (SaslPrep.prepare(username) + ":" + SaslPrep.prepare(realm)).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] longTermInput(String username, String realm, String password) {
        return (SaslPrep.prepare(username) + ":" + SaslPrep.prepare(realm) + ":" + SaslPrep.prepare(password))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** True when the decoded message carries MESSAGE-INTEGRITY and it matches {@code key}. */
    public static boolean verify(StunMessage decoded, byte[] key) {
        return verifyAt(decoded, decoded.integrityOffset(), 20, key, false);
    }

    /** True when the decoded message carries MESSAGE-INTEGRITY-SHA256 and it matches {@code key}. */
    public static boolean verifySha256(StunMessage decoded, byte[] key) {
        int pos = decoded.integritySha256Offset();
        if (pos < 0) {
            return false;
        }
        return verifyAt(decoded, pos, Bytes.u16(decoded.rawUnsafe(), pos + 2), key, true);
    }

    private static boolean verifyAt(StunMessage decoded, int pos, int macLength, byte[] key, boolean sha256) {
        byte[] raw = decoded.rawUnsafe();
        if (raw == null || pos < 0) {
            return false;
        }
        // Recompute over a copy of the prefix whose length field ends at this attribute.
        byte[] prefix = Arrays.copyOf(raw, pos);
        Bytes.putU16(prefix, 2, pos + 4 + macLength - StunMessage.HEADER_LENGTH);
        byte[] mac = sha256 ? Crypto.hmacSha256(key, prefix, 0, pos) : Crypto.hmacSha1(key, prefix, 0, pos);
        byte[] expected = Arrays.copyOf(mac, macLength);
        byte[] actual = Arrays.copyOfRange(raw, pos + 4, pos + 4 + macLength);
        return MessageDigest.isEqual(expected, actual);
    }
}
