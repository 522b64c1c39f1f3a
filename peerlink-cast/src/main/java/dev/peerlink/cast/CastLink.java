package dev.peerlink.cast;

import dev.peerlink.peer.PeerConnection;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.time.Duration;

/**
 * The encrypted connection a cast rides on: either a direct pairing dial (the phone reached the PC at an address in
 * its code) or a connection the ladder found through the server ({@code reverse} when the PC dialled back).
 */
public interface CastLink extends AutoCloseable {
    /** {@code direct} for a pairing dial, else the ladder's path: {@code lan}, {@code reverse}, {@code punch}, {@code relay}... */
    String path();

    /** From the sender's first attempt to the secure session (as each side measured it). */
    Duration setupTime();

    /** The other device's id as it introduced itself (a label: the key is what was authenticated). */
    String peerId();

    SecureStream openStream() throws IOException;

    SecureStream acceptStream() throws InterruptedException;

    boolean isOpen();

    /** Completes when the connection closes, from either side. */
    java.util.concurrent.CompletableFuture<Void> closed();

    @Override
    void close();

    /**
     * Who runs the RTMP client, as in seed 000: the side that dialled. The phone dials and publishes; on the
     * {@code reverse} path the PC dialled back, so the PC runs the client (C0/C1/C2) and plays from the phone.
     */
    default boolean receiverDials() {
        return "reverse".equals(path());
    }

    static CastLink of(SecureSession session, String peerId, Duration setup) {
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        session.addListener((s, reason, cause) -> closed.complete(null));
        if (!session.isOpen()) {
            closed.complete(null);
        }
        return new CastLink() {
            public java.util.concurrent.CompletableFuture<Void> closed() { return closed; }
            public String path() { return "direct"; }
            public Duration setupTime() { return setup; }
            public String peerId() { return peerId; }
            public SecureStream openStream() throws IOException { return session.openStream(); }
            public SecureStream acceptStream() throws InterruptedException { return session.acceptStream(); }
            public boolean isOpen() { return session.isOpen(); }
            public void close() { session.close(); }
        };
    }

    static CastLink of(PeerConnection connection) {
        String path = connection.path(); // the path the cast started on decides the RTMP roles, even after a move
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        connection.onClose(cause -> closed.complete(null));
        if (!connection.isOpen()) {
            closed.complete(null);
        }
        return new CastLink() {
            public java.util.concurrent.CompletableFuture<Void> closed() { return closed; }
            public String path() { return path; }
            public Duration setupTime() { return connection.setupTime(); }
            public String peerId() { return connection.peer().deviceId().value(); }
            public SecureStream openStream() throws IOException { return connection.openStream(); }
            public SecureStream acceptStream() throws InterruptedException { return connection.acceptStream(); }
            public boolean isOpen() { return connection.isOpen(); }
            public void close() { connection.close(); }
        };
    }
}
