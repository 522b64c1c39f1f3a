package dev.peerlink.protocol;

/**
 * A frame that is not a valid signalling message. Carries a {@link Code} (and the request id when
 * one could be read, so the error answer can echo it). No stack trace: rejecting garbage is cheap.
 */
public final class ProtocolException extends Exception {
    /** Why a frame was rejected; {@link #wire()} is the {@code error} code sent back. */
    public enum Code {
        /** Not JSON, or JSON that is not one object. */
        MALFORMED("malformed"),
        /** Larger than the frame limit, or a string/number beyond its limit. */
        TOO_LARGE("too-large"),
        /** Nested deeper than the limit. */
        TOO_DEEP("too-deep"),
        /** {@code type} names no message this version knows. */
        UNKNOWN_TYPE("unknown-type"),
        /** {@code v} is missing or a version this codec does not speak. */
        UNSUPPORTED_VERSION("unsupported-version"),
        /** A required field is missing or a field has the wrong type or an invalid value. */
        INVALID("invalid");

        private final String wire;

        Code(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private final Code code;
    private final String rid;

    public ProtocolException(Code code, String message) {
        this(code, message, null);
    }

    public ProtocolException(Code code, String message, String rid) {
        super(code.wire() + ": " + message, null, false, false);
        this.code = code;
        this.rid = rid;
    }

    public Code code() {
        return code;
    }

    /** The request id of the rejected message, or null if it had none or it could not be read. */
    public String rid() {
        return rid;
    }

    ProtocolException withRid(String rid) {
        return rid == null || this.rid != null ? this : new ProtocolException(code, getMessage().substring(code.wire().length() + 2), rid);
    }
}
