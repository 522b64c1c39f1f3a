package dev.peerlink.share.wire;

/** A sharing body the codec refuses; {@link #code()} is the wire error code the server answers with. */
public final class ShareProtocolException extends Exception {
    public enum Code {
        /** Not a JSON object of the expected shape (missing field, wrong type). */
        MALFORMED("malformed"),
        /** Well-formed but a value is refused (out of range, unknown name, too many entries). */
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

    public ShareProtocolException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
