package dev.peerlink.peer;

import java.io.IOException;

/**
 * {@link Peer#connect} failed. {@link #code()}: {@code offline}, {@code unknown-target}, {@code refused},
 * {@code no-path} (every ladder step failed by the deadline), {@code signalling} (the server could not be asked),
 * or a server error code.
 */
public final class ConnectException extends IOException {
    private final String code;

    public ConnectException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
