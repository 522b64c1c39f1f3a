package dev.peerlink.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A versioned identifier of a byte string: {@code sha256:<64 lower-case hex digits>}. It names a whole
 * content, one chunk of it, or a manifest (see {@link Manifest#id()}). The {@code sha256:} prefix is the
 * version: a successor algorithm gets a new prefix, and parsers refuse prefixes they do not know.
 * Immutable; equality is by digest.
 */
public final class ContentId implements Comparable<ContentId> {
    public static final String PREFIX = "sha256:";
    public static final int DIGEST_LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] digest;

    private ContentId(byte[] digest) {
        this.digest = digest;
    }

    /** Wraps a 32-byte SHA-256 digest (copied). */
    public static ContentId ofDigest(byte[] digest) {
        if (digest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("a sha256 digest has 32 bytes, not " + digest.length);
        }
        return new ContentId(digest.clone());
    }

    /** Parses {@code sha256:<hex>}; refuses any other prefix, upper case or a wrong length. */
    public static ContentId parse(String s) {
        if (s == null || !s.startsWith(PREFIX) || s.length() != PREFIX.length() + 2 * DIGEST_LENGTH) {
            throw new IllegalArgumentException("not a content id (want sha256:<64 hex>): " + s);
        }
        String hex = s.substring(PREFIX.length());
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException("not a content id (lower-case hex only): " + s);
            }
        }
        return new ContentId(HEX.parseHex(hex));
    }

    /** Hashes bytes held in memory. */
    public static ContentId of(byte[] data) {
        return of(data, 0, data.length);
    }

    public static ContentId of(byte[] data, int off, int len) {
        MessageDigest md = Sha256.newDigest();
        md.update(data, off, len);
        return new ContentId(md.digest());
    }

    /** Hashes a stream of any length with a fixed 64 KiB buffer; does not close it. */
    public static ContentId compute(InputStream in) throws IOException {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return new ContentId(md.digest());
    }

    public static ContentId compute(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return compute(in);
        }
    }

    public byte[] digest() {
        return digest.clone();
    }

    public String hex() {
        return HEX.formatHex(digest);
    }

    /** Compares this id's digest with raw digest bytes in constant time. */
    public boolean matches(byte[] otherDigest) {
        return MessageDigest.isEqual(digest, otherDigest);
    }

    @Override
    public String toString() {
        return PREFIX + hex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentId other && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public int compareTo(ContentId o) {
        return Arrays.compareUnsigned(digest, o.digest);
    }
}
