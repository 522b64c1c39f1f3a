package dev.peerlink.share.qos.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Salted SHA-256 of device keys, truncated to 8 bytes: enough to tell devices apart within a bucket (a
 * collision only undercounts), while the raw id cannot be recovered from the store without the salt.
 */
public final class DeviceHasher {
    public static final int MIN_SALT_BYTES = 16;

    private final byte[] salt;
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(DeviceHasher::newDigest);

    public DeviceHasher(byte[] salt) {
        if (salt == null || salt.length < MIN_SALT_BYTES) {
            throw new IllegalArgumentException("device-hash salt must be at least " + MIN_SALT_BYTES + " secret bytes");
        }
        this.salt = salt.clone();
    }

    public long hash(String device) {
        MessageDigest md = sha256.get();
        md.update(salt);
        byte[] d = md.digest(device.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
