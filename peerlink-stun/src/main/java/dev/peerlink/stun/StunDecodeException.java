package dev.peerlink.stun;

/**
 * Malformed STUN input. Carries a typed {@link Reason}; has no stack trace because garbage on a
 * public port is expected traffic, not an exceptional event, and must stay cheap to reject.
 */
public final class StunDecodeException extends Exception {
    /** Why the bytes were rejected. */
    public enum Reason {
        TRUNCATED,
        NOT_STUN,
        BAD_MAGIC_COOKIE,
        BAD_LENGTH,
        ATTRIBUTE_OVERRUN,
        BAD_PADDING,
        BAD_ATTRIBUTE_VALUE,
        BAD_FINGERPRINT,
        ATTRIBUTE_AFTER_INTEGRITY,
        ATTRIBUTE_AFTER_FINGERPRINT,
        TOO_MANY_ATTRIBUTES,
        TOO_LARGE,
        /** No magic cookie, and not an RFC 3489 message either (see {@code StunDecoder.classicTolerant}). */
        NOT_CLASSIC
    }

    private final Reason reason;

    public StunDecodeException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
