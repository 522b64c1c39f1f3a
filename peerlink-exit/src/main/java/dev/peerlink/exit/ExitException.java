package dev.peerlink.exit;

import dev.peerlink.exit.wire.ExitError;
import java.io.IOException;

/** A flow that could not be opened or carried, with the reason the local proxy turns into a SOCKS5 or HTTP answer. */
public final class ExitException extends IOException {
    private final ExitError error;

    public ExitException(ExitError error, String message) {
        super(error.wire() + (message == null || message.isEmpty() ? "" : ": " + message));
        this.error = error;
    }

    public ExitException(ExitError error, String message, Throwable cause) {
        this(error, message);
        initCause(cause);
    }

    public ExitError error() {
        return error;
    }
}
