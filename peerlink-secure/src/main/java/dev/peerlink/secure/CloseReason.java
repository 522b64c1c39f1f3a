package dev.peerlink.secure;

/** Why a {@link SecureSession} ended. */
public enum CloseReason {
    /** This side called close(). */
    LOCAL_CLOSE,
    /** The peer closed the session. */
    PEER_CLOSE,
    /** Nothing heard from the peer for the idle timeout: the path is dead or the peer vanished. */
    IDLE_TIMEOUT,
    /** The transport failed (connection reset, protocol violation, ...). */
    ERROR
}
