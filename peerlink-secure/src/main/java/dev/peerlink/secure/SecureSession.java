package dev.peerlink.secure;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * An end-to-end encrypted, mutually authenticated session with one peer device, over whatever path the
 * connection ladder found. Transport-neutral: {@link QuicTransport} (UDP paths: QUIC) and
 * {@link TlsTransport} (TCP paths: TLS 1.3 plus our stream multiplexer) both produce one.
 *
 * <p>Streams are reliable, ordered, bidirectional byte streams, independent of each other. Datagrams are
 * optional: unreliable QUIC DATAGRAM frames over QUIC; over TLS they are delivered reliably (a TCP path cannot
 * lose them) but still as whole messages.
 *
 * <p>Liveness: each side sends keepalives every {@link SessionConfig#keepaliveInterval()}; a session that hears
 * nothing from its peer for {@link SessionConfig#idleTimeout()} closes with {@link CloseReason#IDLE_TIMEOUT} and
 * tells its {@link SessionListener}s.
 */
public interface SecureSession extends AutoCloseable {

    /** The peer's identity, as pinned and verified in the handshake. */
    PeerIdentity peerIdentity();

    /** "quic" or "tls". */
    String transport();

    /** True from the handshake until the session closes. */
    boolean isOpen();

    /** Opens a new stream to the peer. The peer sees it on {@link #acceptStream()} or its stream handler. */
    SecureStream openStream() throws IOException;

    /**
     * Waits for the next stream the peer opens. Returns null when the session closes. Not to be mixed with a
     * {@link #onStream stream handler}.
     */
    SecureStream acceptStream() throws InterruptedException;

    /**
     * Hands every stream the peer opens (including any already waiting) to {@code handler}, each on its own
     * virtual thread, instead of queueing it for {@link #acceptStream()}.
     */
    void onStream(Consumer<SecureStream> handler);

    /** Sends one datagram (at most {@link #maxDatagramSize()} bytes). Over QUIC it may be lost. */
    void sendDatagram(byte[] payload) throws IOException;

    /** The largest payload {@link #sendDatagram} accepts on this session right now. */
    int maxDatagramSize();

    /** Receives datagrams, on a transport thread (must not block). */
    void onDatagram(Consumer<byte[]> handler);

    /** Adds a listener told once when the session closes, with why. Called at once if already closed. */
    void addListener(SessionListener listener);

    /** Closes the session and every stream; tells the peer when the path still works. */
    @Override
    void close();
}
