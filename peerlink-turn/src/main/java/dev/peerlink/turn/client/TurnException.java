package dev.peerlink.turn.client;

import java.io.IOException;

/**
 * A TURN operation failed. {@link #errorCode()} is the server's ERROR-CODE, or 0 when the
 * failure was not an error response (timeout, closed connection, bad response). Subclasses
 * name the errors a caller reacts to differently.
 */
public class TurnException extends IOException {
    private final int errorCode;

    public TurnException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public TurnException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = 0;
    }

    public int errorCode() {
        return errorCode;
    }
}
