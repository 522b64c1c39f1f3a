package dev.peerlink.cast.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The first stream of a cast over a brokered peer connection: the sender proves it holds the receiver's one-time
 * token from the pairing code (a direct pairing dial proves it inside {@code PairingDialer} instead). Format:
 * {@code "PLC" 1 | token(16)}, answered by one status byte. An all-zero token asks to cast without a code, which the
 * receiver grants only to device ids it allows (the ladder pinned the key the server vouches for that id). A brokered connection alone is not enough: any registered
 * device may connect to the receiver, only the one who scanned the code may cast.
 */
public final class CastHello {
    public static final int OK = 0;
    public static final int WRONG_TOKEN = 1;
    public static final int TOKEN_USED = 2;
    public static final int EXPIRED = 3;
    public static final int BAD_REQUEST = 4;
    public static final int NOT_ALLOWED = 5;
    public static final int BUSY = 6;
    /** The token of a request without a code: a device the receiver allows by id (its key pinned by the ladder). */
    public static final byte[] NO_CODE = new byte[16];

    private static final byte[] MAGIC = {'P', 'L', 'C', 1};
    private static final int TOKEN = 16;

    private CastHello() {
    }

    public static void write(OutputStream out, byte[] token) throws IOException {
        if (token.length != TOKEN) {
            throw new IllegalArgumentException("token must be 16 bytes");
        }
        out.write(MAGIC);
        out.write(token);
        out.flush();
    }

    /** Reads the hello; null when the bytes are not a cast hello (the caller answers BAD_REQUEST). */
    public static byte[] read(InputStream in) throws IOException {
        byte[] b = new byte[MAGIC.length + TOKEN];
        new DataInputStream(in).readFully(b);
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return null;
            }
        }
        byte[] token = new byte[TOKEN];
        System.arraycopy(b, MAGIC.length, token, 0, TOKEN);
        return token;
    }

    /** A request from a device that has no code and asks to cast as one the receiver allows ({@link #NO_CODE}). */
    public static boolean isNoCode(byte[] got) {
        return got != null && MessageDigest.isEqual(NO_CODE, got);
    }

    public static boolean matches(byte[] expected, byte[] got) {
        return got != null && MessageDigest.isEqual(expected, got);
    }

    public static String describe(int status) {
        return switch (status) {
            case OK -> "ok";
            case WRONG_TOKEN -> "wrong token: the pairing code is not this receiver's current one";
            case TOKEN_USED -> "the pairing code was already used; ask for a new one";
            case EXPIRED -> "the pairing code expired; ask for a new one";
            case BAD_REQUEST -> "the receiver did not understand the request";
            case NOT_ALLOWED -> "this device is not on the receiver's --allow list; cast with its pairing code instead";
            case BUSY -> "the receiver is showing another cast";
            default -> "refused (" + status + ")";
        };
    }
}
