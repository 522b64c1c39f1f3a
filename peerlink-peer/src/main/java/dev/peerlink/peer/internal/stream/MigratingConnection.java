package dev.peerlink.peer.internal.stream;

import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.internal.stream.SegmentCodec.Kind;
import dev.peerlink.peer.internal.stream.StreamFramingException.Reason;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.secure.CloseReason;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeerConnection} whose streams survive a move to another secure session (relay → direct): each logical
 * stream direction is a sequence of segments, each a unidirectional physical stream on some session (see
 * {@link SegmentCodec} and docs/secure-transport.md, "Path moves"). {@link #migrate} moves every open output to the
 * new session; readers follow MOVED to the next segment; the old session is closed once drained, or after the grace
 * period.
 */
public final class MigratingConnection implements PeerConnection {
    private static final Logger log = LoggerFactory.getLogger(MigratingConnection.class);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final PeerRef peer;
    private final String session;
    private final Duration setupTime;
    private final Duration grace;
    private final List<PathSession> paths = new CopyOnWriteArrayList<>();
    private volatile PathSession current;
    private volatile String reportedPath;
    private final Map<Integer, LogicalStream> streams = new ConcurrentHashMap<>();
    private final SegmentRouter router;
    private final AtomicInteger nextId;
    private volatile Consumer<byte[]> datagramHandler = d -> { };
    private final List<PathListener> pathListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> closeListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    public MigratingConnection(PeerRef peer, String session, boolean initiator, SecureSession first, String firstPath,
                               Duration setupTime) {
        this(peer, session, initiator, first, firstPath, setupTime, DEFAULT_GRACE);
    }

    public MigratingConnection(PeerRef peer, String session, boolean initiator, SecureSession first, String firstPath,
                               Duration setupTime, Duration grace) {
        this.peer = Objects.requireNonNull(peer);
        this.session = session;
        this.setupTime = setupTime;
        this.grace = grace;
        this.nextId = new AtomicInteger(initiator ? 1 : 2);
        this.router = new SegmentRouter(this, initiator, streams);
        PathSession p = new PathSession(first, firstPath);
        this.current = p;
        this.reportedPath = firstPath;
        paths.add(p);
        attach(p);
    }

    // ------------------------------------------------------------------ PeerConnection

    @Override public PeerRef peer() { return peer; }
    @Override public String session() { return session; }
    @Override public String path() { return reportedPath; }
    @Override public Duration setupTime() { return setupTime; }
    @Override public boolean isOpen() { return !closed.isDone(); }

    /** Every attached session still open or draining, oldest first (tests, diagnostics). */
    public List<SecureSession> sessions() {
        return paths.stream().map(p -> p.session).toList();
    }

    /** The session new segments open on. */
    public SecureSession current() {
        return current.session;
    }

    PathSession currentPath() {
        return current;
    }

    @Override
    public SecureStream openStream() throws IOException {
        ensureOpen();
        int id = nextId.getAndAdd(2);
        if (id <= 0) {
            throw new IOException("logical stream ids exhausted");
        }
        LogicalStream s = new LogicalStream(this, id);
        streams.put(id, s);
        try {
            s.out().open();
        } catch (IOException e) {
            streams.remove(id);
            throw e;
        }
        return s;
    }

    @Override
    public SecureStream acceptStream() throws InterruptedException {
        return router.accept();
    }

    @Override
    public void onStream(Consumer<SecureStream> handler) {
        router.onStream(handler);
    }

    @Override
    public void sendDatagram(byte[] payload) throws IOException {
        ensureOpen();
        current.session.sendDatagram(payload);
    }

    @Override
    public void onDatagram(Consumer<byte[]> handler) {
        datagramHandler = handler == null ? d -> { } : handler;
    }

    @Override
    public void onPathChange(PathListener listener) {
        pathListeners.add(listener);
    }

    @Override
    public void onClose(Consumer<Throwable> listener) {
        closeListeners.add(listener);
        if (closed.isDone() && closeListeners.remove(listener)) {
            listener.accept(closed.join());
        }
    }

    // ------------------------------------------------------------------ moves

    /**
     * Moves the connection onto {@code next} (a session with the same peer on a better path). Returns at once; open
     * outputs move in the background, the old session closes when drained or after the grace period.
     */
    public void migrate(SecureSession next, String path) {
        PathSession np = new PathSession(next, path);
        PathSession old;
        synchronized (this) {
            if (!isOpen()) {
                next.close();
                return;
            }
            old = current;
            paths.add(np);
            current = np;
        }
        attach(np);
        int count = old.retire();
        log.debug("moving {} from {} to {}", session, old, np);
        Thread.ofVirtual().name("peerlink-drain").start(() -> sendDrain(old, count));
        for (LogicalStream s : streams.values()) {
            Thread.ofVirtual().name("peerlink-move-" + s.logicalId()).start(() -> s.out().moveNow());
            s.signalRoom();
        }
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> expire(old));
    }

    private void sendDrain(PathSession old, int count) {
        try {
            SecureStream phys = old.session.openStream();
            phys.output().write(SegmentCodec.encodeHeader(Kind.DRAIN, count, 0));
            phys.output().close();
            OutSegment s = new OutSegment(old, phys, 0);
            s.endWritten = true;
            watchAck(s, null);
        } catch (IOException e) {
            log.debug("cannot send DRAIN on {}: {}", old, e.toString());
            old.segmentDone();
            checkDrained(old);
        }
    }

    void checkDrained(PathSession p) {
        if (p.takeDrained()) {
            log.debug("{} drained; closing it", p);
            p.session.close();
        }
    }

    private void expire(PathSession p) {
        if (p.takeExpired() && p.session.isOpen()) {
            log.warn("path {} not drained within {}: closing it ({}); streams still on it fail", p, grace, p.describe());
            p.session.close();
        }
    }

    private void retiredGone(PathSession p) {
        String from;
        String to;
        synchronized (this) {
            if (!paths.remove(p) || paths.stream().anyMatch(PathSession::isRetired)) {
                return;
            }
            from = reportedPath;
            to = current.path;
            reportedPath = to;
        }
        for (PathListener l : pathListeners) {
            try {
                l.moved(from, to);
            } catch (RuntimeException e) {
                log.warn("path listener failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ physical streams

    private void attach(PathSession p) {
        p.session.addListener((s, reason, cause) -> sessionClosed(p, reason, cause));
        p.session.onDatagram(d -> datagramHandler.accept(d));
        p.session.onStream(phys -> router.onPhysical(p, phys));
    }

    /** Opens segment {@code segment} of {@code owner}'s output on the current session, header written. */
    OutSegment openSegment(LogicalStream owner, int segment) throws IOException {
        ensureOpen();
        PathSession p;
        do {
            p = current;
        } while (!p.reserveOutbound());
        try {
            SecureStream phys = p.session.openStream();
            phys.output().write(SegmentCodec.encodeHeader(Kind.DATA, owner.logicalId(), segment));
            OutSegment s = new OutSegment(p, phys, segment);
            watchAck(s, owner);
            return s;
        } catch (IOException e) {
            p.segmentDone();
            throw e;
        }
    }

    /** Tells the peer to abort a logical stream, on a physical stream of its own. */
    void sendReset(int id) {
        PathSession p;
        do {
            p = current;
        } while (!p.reserveOutbound());
        try {
            SecureStream phys = p.session.openStream();
            phys.output().write(SegmentCodec.encodeHeader(Kind.RESET, id, 0));
            phys.output().close();
            OutSegment s = new OutSegment(p, phys, 0);
            s.endWritten = true;
            watchAck(s, null);
        } catch (IOException e) {
            p.segmentDone();
            checkDrained(p);
        }
    }

    /** Waits (on a virtual thread) for the peer to close its side of a stream we opened: it read our segment. */
    private void watchAck(OutSegment s, LogicalStream owner) {
        Thread.ofVirtual().name("peerlink-ack").start(() -> {
            IOException lost = null;
            try {
                int b = s.phys.input().read();
                if (b >= 0) {
                    lost = new StreamFramingException(Reason.TRUNCATED, "peer wrote on a one-way stream");
                }
            } catch (IOException e) {
                if (!(s.endWritten && s.path.endSurelyDelivered())) {
                    lost = e;
                }
            }
            s.acked = true;
            s.path.segmentDone();
            if (lost != null && owner != null && isOpen()) {
                owner.abort(explain(s.path, lost, "segment " + s.segment + " of stream " + owner.logicalId()), true);
            }
            checkDrained(s.path);
        });
    }

    void forget(LogicalStream s) {
        streams.remove(s.logicalId(), s);
    }

    // ------------------------------------------------------------------ failure and close

    private void sessionClosed(PathSession p, CloseReason reason, Throwable cause) {
        if (!isOpen()) {
            return;
        }
        if (p == current) {
            fail(new IOException("secure session on path " + p.path + " ended: " + reason
                    + (cause != null ? " (" + cause + ")" : ""), cause));
        } else {
            log.debug("retired {} ended: {}", p, reason);
            retiredGone(p);
        }
    }

    /**
     * The error a reader or writer of {@code what} sees when a physical stream on {@code p} failed: the connection's
     * cause if it died, else the session's close reason if it ended (waiting briefly for it to be reported).
     */
    IOException explain(PathSession p, IOException e, String what) {
        CloseReason r = null;
        if (!p.session.isOpen() || !isOpen()) {
            try {
                r = p.closed.get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // not reported (yet)
            }
        }
        if (closed.isDone()) {
            Throwable c = closed.getNow(null);
            return new IOException("connection closed" + (c != null ? ": " + c.getMessage() : ""), c != null ? c : e);
        }
        return new IOException(what + " failed on path " + p.path + (r != null ? " (session " + r + ")" : "")
                + ": " + e.getMessage(), e);
    }

    private void ensureOpen() throws IOException {
        if (closed.isDone()) {
            Throwable c = closed.getNow(null);
            throw new IOException("connection closed" + (c != null ? ": " + c.getMessage() : ""), c);
        }
    }

    /** The connection dies: every stream fails with {@code cause}; all sessions close. */
    void fail(IOException cause) {
        if (!closed.complete(cause)) {
            return;
        }
        log.debug("connection {} with {} failed: {}", session, peer.deviceId(), cause.getMessage());
        IOException e = new IOException("connection lost: " + cause.getMessage(), cause);
        finish(e, cause);
    }

    /** END on every output (waiting up to 2 s for the peer to read them), then closes every session. Idempotent. */
    @Override
    public void close() {
        if (closed.isDone() || !closing.compareAndSet(false, true)) {
            return;
        }
        List<Thread> enders = new ArrayList<>();
        for (LogicalStream s : streams.values()) {
            enders.add(Thread.ofVirtual().start(() -> {
                try {
                    s.out().close();
                } catch (IOException ignored) {
                    // already failing
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Thread t : enders) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        while (System.nanoTime() < deadline && isOpen()
                && !streams.values().stream().allMatch(s -> s.out().settled())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (!closed.complete(null)) {
            return;
        }
        finish(new IOException("connection closed"), null);
    }

    private void finish(IOException forStreams, Throwable cause) {
        for (LogicalStream s : streams.values()) {
            s.connectionFailed(forStreams);
        }
        router.dropEarly();
        for (PathSession p : paths) {
            p.session.close();
        }
        router.endOfStreams();
        for (Consumer<Throwable> l : closeListeners) {
            if (closeListeners.remove(l)) {
                try {
                    l.accept(cause);
                } catch (RuntimeException e) {
                    log.warn("close listener failed", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "MigratingConnection[" + peer.deviceId() + ", " + reportedPath + ", " + paths + "]";
    }
}
