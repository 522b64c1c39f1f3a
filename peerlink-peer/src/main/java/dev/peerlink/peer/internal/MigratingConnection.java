package dev.peerlink.peer.internal;

import dev.peerlink.peer.PeerConnection;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** TEMPORARY single-session stand-in until the migrating implementation lands. */
public final class MigratingConnection implements PeerConnection {
    private final PeerRef peer;
    private final String session;
    private final Duration setupTime;
    private volatile SecureSession current;
    private volatile String path;
    private final List<PathListener> pathListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> closeListeners = new CopyOnWriteArrayList<>();

    public MigratingConnection(PeerRef peer, String session, boolean initiator, SecureSession first, String firstPath,
                               Duration setupTime) {
        this.peer = peer;
        this.session = session;
        this.current = first;
        this.path = firstPath;
        this.setupTime = setupTime;
        first.addListener((s, r, c) -> closeListeners.forEach(l -> l.accept(c)));
    }

    public void migrate(SecureSession next, String newPath) {
        String old = path;
        current = next;
        path = newPath;
        pathListeners.forEach(l -> l.moved(old, newPath));
    }

    public SecureSession current() { return current; }
    public PeerRef peer() { return peer; }
    public String session() { return session; }
    public String path() { return path; }
    public Duration setupTime() { return setupTime; }
    public boolean isOpen() { return current.isOpen(); }
    public SecureStream openStream() throws IOException { return current.openStream(); }
    public SecureStream acceptStream() throws InterruptedException { return current.acceptStream(); }
    public void onStream(Consumer<SecureStream> handler) { current.onStream(handler); }
    public void sendDatagram(byte[] payload) throws IOException { current.sendDatagram(payload); }
    public void onDatagram(Consumer<byte[]> handler) { current.onDatagram(handler); }
    public void onPathChange(PathListener listener) { pathListeners.add(listener); }
    public void onClose(Consumer<Throwable> listener) { closeListeners.add(listener); }
    public void close() { current.close(); }
}
