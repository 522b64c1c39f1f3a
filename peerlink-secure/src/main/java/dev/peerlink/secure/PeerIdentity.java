package dev.peerlink.secure;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A device's public Ed25519 identity key: what the signalling server tells each side about the other, and
 * what a secure session pins. Held as the raw 32-byte RFC 8032 encoding.
 */
public final class PeerIdentity {
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final byte[] raw;

    private PeerIdentity(byte[] raw) {
        this.raw = raw;
    }

    /** From the raw 32-byte public key. */
    public static PeerIdentity fromRaw(byte[] raw) {
        if (raw == null || raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        return new PeerIdentity(raw.clone());
    }

    /** From base64 (standard or URL alphabet, padding optional) of the raw 32-byte key. */
    public static PeerIdentity fromBase64(String text) {
        String s = text.trim().replace('-', '+').replace('_', '/');
        return fromRaw(Base64.getDecoder().decode(s));
    }

    /** From a JDK Ed25519 public key (or any provider's, via its X.509 encoding). */
    public static PeerIdentity of(PublicKey key) {
        byte[] enc = key.getEncoded();
        if (enc == null || enc.length != SPKI_PREFIX.length + 32
                || !Arrays.equals(enc, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return new PeerIdentity(Arrays.copyOfRange(enc, SPKI_PREFIX.length, enc.length));
    }

    /** True if {@code key} is an Ed25519 key equal to this identity. */
    public boolean matches(PublicKey key) {
        try {
            return equals(of(key));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public byte[] raw() {
        return raw.clone();
    }

    public String toBase64() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** A JDK public key for signature verification. */
    public PublicKey toPublicKey() {
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Short human-readable fingerprint: first 16 hex digits of SHA-256 over the raw key. */
    public String fingerprint() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(raw);
            return String.format("%016x", new BigInteger(1, Arrays.copyOf(h, 8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerIdentity p && MessageDigest.isEqual(raw, p.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "PeerIdentity[" + fingerprint() + "]";
    }
}
