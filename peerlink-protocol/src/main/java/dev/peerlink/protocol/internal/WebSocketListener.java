package dev.peerlink.protocol.internal;

/**
 * What a {@link WebSocketConnection} tells its owner, one call at a time and in arrival order, on the executor given
 * to {@link WebSocketConnector#connect} (never on the event loop, so a listener may block: reading then pauses until
 * it returns, which pushes back on the server through TCP). After {@link #onClose} or {@link #onError} nothing more
 * comes; a connection the owner closed or aborted itself reports neither (as the JDK client did).
 */
public interface WebSocketListener {
    /** A whole text message (fragments already joined). Ignored unless overridden. */
    default void onText(WebSocketConnection connection, String text) {}

    /** A whole binary message (fragments already joined). Ignored unless overridden. */
    default void onBinary(WebSocketConnection connection, byte[] data) {}

    /** The server closed the connection with a close frame carrying {@code code} and {@code reason} ("" when none). */
    void onClose(WebSocketConnection connection, int code, String reason);

    /** The connection failed or ended without a close frame. */
    void onError(WebSocketConnection connection, Throwable error);
}
