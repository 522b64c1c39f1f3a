package dev.peerlink.cast;

/** A cast could not start or broke: the message is one line for the user. */
public final class CastException extends Exception {
    public CastException(String message, Throwable cause) {
        super(message, cause);
    }
}
