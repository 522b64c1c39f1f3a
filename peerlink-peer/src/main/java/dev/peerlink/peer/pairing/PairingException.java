package dev.peerlink.peer.pairing;

import java.io.IOException;

/** Pairing failed, on either side, for a typed {@link Reason}; the message is one line meant for people. */
public final class PairingException extends IOException {
    public enum Reason {
        /** The listener refused the token: not the current code for that device (stale or forged). */
        WRONG_TOKEN,
        /** The token was right but already used: a pairing code connects once. */
        TOKEN_USED,
        /** The code (or the listener's offer) has expired. */
        EXPIRED,
        /** The listener gave up after too many failed attempts. */
        TOO_MANY_ATTEMPTS,
        /** A device answered but it is not the one the code names (its key differs), or it refused ours. */
        PIN_MISMATCH,
        /** No candidate address could be reached. */
        UNREACHABLE,
        /** Out of time before any candidate finished. */
        TIMEOUT,
        /** The other side broke the pairing exchange. */
        PROTOCOL,
        /** The listener was closed. */
        CLOSED
    }

    private final Reason reason;

    public PairingException(Reason reason, String message) {
        this(reason, message, null);
    }

    public PairingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
