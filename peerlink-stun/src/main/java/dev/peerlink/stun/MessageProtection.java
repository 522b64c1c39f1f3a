package dev.peerlink.stun;

/**
 * What the encoder appends after the attributes: MESSAGE-INTEGRITY (HMAC-SHA1 key),
 * MESSAGE-INTEGRITY-SHA256 (key and truncation length), FINGERPRINT. In that order (RFC 8489 §14.5–14.7).
 */
public record MessageProtection(byte[] integrityKey, byte[] integritySha256Key, int sha256Length, boolean fingerprint) {
    public static final MessageProtection NONE = new MessageProtection(null, null, 32, false);
    public static final MessageProtection FINGERPRINT = NONE.withFingerprint();

    public MessageProtection {
        if (sha256Length < 16 || sha256Length > 32 || sha256Length % 4 != 0) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 length must be 16..32 in steps of 4");
        }
        integrityKey = integrityKey == null ? null : integrityKey.clone();
        integritySha256Key = integritySha256Key == null ? null : integritySha256Key.clone();
    }

    public MessageProtection withIntegrity(byte[] key) {
        return new MessageProtection(key, integritySha256Key, sha256Length, fingerprint);
    }

    public MessageProtection withIntegritySha256(byte[] key) {
        return new MessageProtection(integrityKey, key, sha256Length, fingerprint);
    }

    public MessageProtection withIntegritySha256(byte[] key, int truncatedLength) {
        return new MessageProtection(integrityKey, key, truncatedLength, fingerprint);
    }

    public MessageProtection withFingerprint() {
        return new MessageProtection(integrityKey, integritySha256Key, sha256Length, true);
    }
}
