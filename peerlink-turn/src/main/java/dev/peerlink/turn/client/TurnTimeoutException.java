package dev.peerlink.turn.client;

/** No response: all UDP retransmissions went unanswered, or 39.5 s passed over TCP. */
public final class TurnTimeoutException extends TurnException {
    public TurnTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
