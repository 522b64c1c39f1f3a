package dev.peerlink.server.share.internal;

import dev.peerlink.protocol.Ed25519;
import java.security.SecureRandom;

/**
 * Access request ids: 16 random bytes (unguessable, so only the provider asked can answer), in cluster mode after the
 * asking instance's id, so an answer arriving at another instance knows where its find waits. Instance ids are
 * 1-32 token characters and the random part is always {@link #RANDOM_CHARS} long, so the two split without a marker
 * and the whole stays a sharing token (at most 64 characters of {@code [A-Za-z0-9_-]}).
 */
public final class RequestIds {
    static final int RANDOM_CHARS = 22; // 16 bytes in unpadded base64url
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    /** A new request id for a find on {@code instance} (null: single-process, no prefix). */
    public static String next(String instance) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String random = Ed25519.b64(b);
        return instance == null ? random : instance + random;
    }

    /** The instance a request id names, or null (single-process ids name none). */
    public static String instanceOf(String request) {
        if (request == null || request.length() <= RANDOM_CHARS) {
            return null;
        }
        return request.substring(0, request.length() - RANDOM_CHARS);
    }
}
