package dev.peerlink.secure.mux;

/** A malformed mux frame. No stack trace: rejecting garbage must be cheap. */
public final class MuxDecodeException extends Exception {
    public enum Reason {
        UNSUPPORTED_VERSION, UNKNOWN_TYPE, UNKNOWN_FLAGS, INVALID_FLAGS, INVALID_STREAM_ID, FRAME_TOO_LARGE, INVALID_WINDOW_DELTA
    }

    private final Reason reason;

    public MuxDecodeException(Reason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
