package dev.peerlink.secure;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of a secure session.
 *
 * @param keepaliveInterval how often each side sends a keepalive (QUIC: a keepalive DATAGRAM frame; TLS: a mux PING)
 * @param idleTimeout a session that hears nothing from its peer for this long is closed as dead
 * @param handshakeTimeout the handshake (including the pin check) must finish within this
 * @param streamWindow per-stream receive window in bytes (flow control), at least 256 KiB
 * @param connectionWindow QUIC connection-level receive window in bytes
 * @param maxStreams the most concurrent streams the peer may open
 */
public record SessionConfig(Duration keepaliveInterval, Duration idleTimeout, Duration handshakeTimeout,
                            int streamWindow, long connectionWindow, int maxStreams) {

    public SessionConfig {
        Objects.requireNonNull(keepaliveInterval);
        Objects.requireNonNull(idleTimeout);
        Objects.requireNonNull(handshakeTimeout);
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero() || idleTimeout.compareTo(keepaliveInterval) <= 0) {
            throw new IllegalArgumentException("need 0 < keepaliveInterval < idleTimeout");
        }
        if (streamWindow < 256 * 1024 || connectionWindow < streamWindow || maxStreams < 1) {
            throw new IllegalArgumentException("windows too small or no streams");
        }
    }

    /** Keepalive 1 s, idle timeout 5 s, handshake 10 s, 1 MiB per stream, 16 MiB per connection, 256 streams. */
    public static SessionConfig defaults() {
        return new SessionConfig(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10),
                1 << 20, 16L << 20, 256);
    }

    public SessionConfig withIdleTimeout(Duration keepalive, Duration idle) {
        return new SessionConfig(keepalive, idle, handshakeTimeout, streamWindow, connectionWindow, maxStreams);
    }

    public SessionConfig withHandshakeTimeout(Duration d) {
        return new SessionConfig(keepaliveInterval, idleTimeout, d, streamWindow, connectionWindow, maxStreams);
    }

    public SessionConfig withWindows(int stream, long connection) {
        return new SessionConfig(keepaliveInterval, idleTimeout, handshakeTimeout, stream, connection, maxStreams);
    }
}
