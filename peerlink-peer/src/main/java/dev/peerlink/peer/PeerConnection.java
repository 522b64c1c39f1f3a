package dev.peerlink.peer;

import dev.peerlink.protocol.PeerRef;
import java.time.Duration;

/**
 * A secure connection to another device. This is the seam for the connection ladder (lan, direct,
 * reverse, punch, relay) and the secure transport, which are built by later work: nothing in this
 * module implements it yet, and {@link Peer} offers only the brokering step
 * ({@link SignallingClient#connect}). Streams, datagrams and path migration will be added here.
 */
public interface PeerConnection extends AutoCloseable {
    /** The remote device and its pinned key. */
    PeerRef peer();

    /** The brokered session this connection belongs to. */
    String session();

    /** {@code lan}, {@code direct}, {@code reverse}, {@code punch} or {@code relay}. */
    String path();

    Duration setupTime();

    @Override
    void close();
}
