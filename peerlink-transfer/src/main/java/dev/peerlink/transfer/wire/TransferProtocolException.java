package dev.peerlink.transfer.wire;

/** A transfer frame that cannot be accepted: malformed bytes or a header that breaks the protocol. */
public final class TransferProtocolException extends Exception {
    public enum Code {
        /** shorter than its length prefix says, or too short for one */
        TRUNCATED,
        /** header or payload over the limits */
        TOO_LARGE,
        /** header not one JSON object */
        MALFORMED,
        /** header lacks "v":1 */
        UNSUPPORTED_VERSION,
        UNKNOWN_TYPE,
        /** a field is missing, mistyped or out of range */
        INVALID
    }

    private final Code code;

    public TransferProtocolException(Code code, String message) {
        super(message, null, false, false); // no stack trace: rejecting garbage must be cheap
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
