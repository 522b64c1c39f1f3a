package dev.peerlink.exit.wire;

/** Exit-stream or exit-datagram bytes the codec refuses. */
public final class ExitProtocolException extends Exception {
    public enum Code { TRUNCATED, TOO_LARGE, MALFORMED, UNSUPPORTED_VERSION, INVALID }

    private final Code code;

    public ExitProtocolException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
