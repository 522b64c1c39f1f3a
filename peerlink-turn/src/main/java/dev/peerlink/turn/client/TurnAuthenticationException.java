package dev.peerlink.turn.client;

/** The server refused the credentials (401 after a credentialed retry, or 441 Wrong Credentials). */
public final class TurnAuthenticationException extends TurnException {
    public TurnAuthenticationException(String message, int errorCode) {
        super(message, errorCode);
    }
}
