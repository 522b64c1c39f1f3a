package dev.peerlink.secure;

/** Told once when a session closes. */
@FunctionalInterface
public interface SessionListener {
    /**
     * @param reason why
     * @param cause the error behind {@link CloseReason#ERROR}, else null
     */
    void closed(SecureSession session, CloseReason reason, Throwable cause);
}
