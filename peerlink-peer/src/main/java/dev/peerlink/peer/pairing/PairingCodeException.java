package dev.peerlink.peer.pairing;

/** A pairing code that cannot be used, with a typed {@link Reason}. No stack trace: it is an input error. */
public final class PairingCodeException extends Exception {
    public enum Reason {
        /** Does not start with {@code PL<version>:}. */
        BAD_PREFIX,
        /** A format version this build does not read. */
        BAD_VERSION,
        /** A character outside the base32 alphabet, or a base32 length/padding no encoder produces. */
        BAD_ENCODING,
        /** Shorter than its declared length (part of the code is missing). */
        TRUNCATED,
        /** Longer than its declared length. */
        TRAILING_DATA,
        /** The CRC-32 does not match: a mistyped or damaged code. */
        BAD_CHECKSUM,
        /** The device id field is not a valid device id. */
        BAD_DEVICE_ID,
        /** No address, too many, an unknown address type, port 0, or an unusable address. */
        BAD_ADDRESS,
        /** The code's expiry time has passed. */
        EXPIRED
    }

    private final Reason reason;

    public PairingCodeException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
