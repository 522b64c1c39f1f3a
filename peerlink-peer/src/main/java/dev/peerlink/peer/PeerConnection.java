package dev.peerlink.peer;

import dev.peerlink.protocol.PeerRef;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A secure connection to another device, found by the connection ladder. It offers reliable, ordered, multiplexed
 * byte streams (and unreliable datagrams), end-to-end encrypted and authenticated with both device keys.
 *
 * <p>The connection may move to a better path while it is open (relay → direct): streams keep flowing, in order and
 * without loss, across the move. {@link #path()} always names the path now in use.
 */
public interface PeerConnection extends AutoCloseable {
    /** The remote device and its pinned key. */
    PeerRef peer();

    /** The brokered session this connection belongs to. */
    String session();

    /** {@code lan}, {@code direct}, {@code reverse}, {@code punch}, {@code relay} (or {@code pairing}): the path in use now. */
    String path();

    /** From the start of the attempt to the first secure session. */
    Duration setupTime();

    /** True until the connection closes. */
    boolean isOpen();

    /** Opens a stream; the peer sees it on {@link #acceptStream()} or its stream handler. */
    SecureStream openStream() throws IOException;

    /** Waits for the next stream the peer opens; null once the connection is closed. */
    SecureStream acceptStream() throws InterruptedException;

    /** Hands each stream the peer opens to {@code handler} on its own virtual thread (instead of {@link #acceptStream}). */
    void onStream(Consumer<SecureStream> handler);

    /** Sends one datagram on the current path; it may be lost (QUIC) and is not carried across a path move. */
    void sendDatagram(byte[] payload) throws IOException;

    void onDatagram(Consumer<byte[]> handler);

    /** Told (old path, new path) after each move. */
    void onPathChange(PathListener listener);

    /** Told once when the connection closes: null cause for a normal close, else why it died. */
    void onClose(Consumer<Throwable> listener);

    @Override
    void close();

    @FunctionalInterface
    interface PathListener {
        void moved(String from, String to);
    }
}
