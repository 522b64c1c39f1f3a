package dev.peerlink.server.admin.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Generated secrets kept in owner-only files, and the fingerprints logged in their place. */
public final class SecretFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {}

    /** {@code bytes} random bytes, base64url without padding. */
    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The secret in {@code file} (first line, trimmed); when missing or empty, a new one written there (mode 0600). */
    public static String loadOrCreate(Path file, int bytes) throws IOException {
        if (Files.exists(file)) {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            int nl = s.indexOf('\n');
            s = nl < 0 ? s : s.substring(0, nl).strip();
            if (!s.isEmpty()) {
                return s;
            }
        }
        String s = random(bytes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            // created owner-only, so the secret is never readable by others, not even briefly
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not POSIX: the directory's own permissions protect it
        }
        Files.writeString(tmp, s + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return s;
    }

    /** What logs show instead of a secret: the first 8 hex digits of its SHA-256. */
    public static String fingerprint(String secret) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
