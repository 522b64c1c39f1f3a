package dev.peerlink.secure;

import java.io.IOException;

/** The secure handshake failed: wrong peer (pin mismatch), timeout, or a protocol error. */
public class SecureHandshakeException extends IOException {
    private final boolean pinMismatch;

    public SecureHandshakeException(String message, Throwable cause, boolean pinMismatch) {
        super(message, cause);
        this.pinMismatch = pinMismatch;
    }

    /** True when the peer was reached but is not the pinned device (or refused our identity). */
    public boolean pinMismatch() {
        return pinMismatch;
    }
}
