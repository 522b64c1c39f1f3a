package dev.peerlink.peer;

/**
 * A signalling request failed: the server answered {@code error} with {@link #code()} (see
 * {@code dev.peerlink.protocol.ErrorCode}), or the connection went away ({@code disconnected}) or
 * no answer came in time ({@code timeout}).
 */
public final class SignallingException extends RuntimeException {
    public static final String DISCONNECTED = "disconnected";
    public static final String CLOSED = "closed";

    private final String code;

    public SignallingException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
