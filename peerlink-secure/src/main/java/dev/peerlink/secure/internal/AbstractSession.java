package dev.peerlink.secure.internal;

import dev.peerlink.secure.CloseReason;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What both transports share: incoming-stream dispatch, datagram handler, close bookkeeping and listeners. */
public abstract class AbstractSession implements SecureSession {
    private static final Logger log = LoggerFactory.getLogger(AbstractSession.class);
    private static final SecureStream END = new SecureStream() {
        @Override public long id() { return -1; }
        @Override public java.io.InputStream input() { return null; }
        @Override public java.io.OutputStream output() { return null; }
        @Override public void reset() { }
        @Override public void close() { }
    };

    protected final PeerIdentity peer;
    private final LinkedBlockingQueue<SecureStream> incoming = new LinkedBlockingQueue<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<SecureStream> streamHandler;
    protected volatile Consumer<byte[]> datagramHandler = d -> { };
    private final Object closeLock = new Object();
    private volatile CloseReason closeReason;
    private volatile Throwable closeCause;

    protected AbstractSession(PeerIdentity peer) {
        this.peer = peer;
    }

    @Override
    public PeerIdentity peerIdentity() {
        return peer;
    }

    @Override
    public boolean isOpen() {
        return closeReason == null;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    /** A stream the peer opened. */
    protected void incomingStream(SecureStream s) {
        Consumer<SecureStream> h = streamHandler;
        if (h != null) {
            dispatch(h, s);
        } else {
            incoming.add(s);
            // a handler installed concurrently must still see it
            Consumer<SecureStream> h2 = streamHandler;
            if (h2 != null && incoming.remove(s)) {
                dispatch(h2, s);
            }
        }
    }

    private static void dispatch(Consumer<SecureStream> h, SecureStream s) {
        Thread.ofVirtual().name("peerlink-stream-" + s.id()).start(() -> {
            try {
                h.accept(s);
            } catch (RuntimeException e) {
                log.warn("stream handler failed on stream {}", s.id(), e);
                s.reset();
            }
        });
    }

    @Override
    public SecureStream acceptStream() throws InterruptedException {
        while (true) {
            SecureStream s = incoming.poll(200, TimeUnit.MILLISECONDS);
            if (s == END) {
                incoming.add(END);
                return null;
            }
            if (s != null) {
                return s;
            }
            if (!isOpen() && incoming.isEmpty()) {
                return null;
            }
        }
    }

    @Override
    public void onStream(Consumer<SecureStream> handler) {
        this.streamHandler = handler;
        SecureStream s;
        while ((s = incoming.poll()) != null) {
            if (s == END) {
                incoming.add(END);
                break;
            }
            dispatch(handler, s);
        }
    }

    @Override
    public void onDatagram(Consumer<byte[]> handler) {
        this.datagramHandler = handler == null ? d -> { } : handler;
    }

    protected void deliverDatagram(byte[] d) {
        try {
            datagramHandler.accept(d);
        } catch (RuntimeException e) {
            log.warn("datagram handler failed", e);
        }
    }

    @Override
    public void addListener(SessionListener listener) {
        listeners.add(listener);
        CloseReason r = closeReason;
        if (r != null && listeners.remove(listener)) {
            listener.closed(this, r, closeCause);
        }
    }

    /** Records the end of the session once and tells listeners. Returns false if it had already ended. */
    protected boolean markClosed(CloseReason reason, Throwable cause) {
        synchronized (closeLock) {
            if (closeReason != null) {
                return false;
            }
            closeCause = cause;
            closeReason = reason;
        }
        incoming.add(END);
        log.debug("{} session with {} closed: {}", transport(), peer, reason, cause);
        for (SessionListener l : listeners) {
            if (listeners.remove(l)) {
                try {
                    l.closed(this, reason, cause);
                } catch (RuntimeException e) {
                    log.warn("session listener failed", e);
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + peer + (isOpen() ? "" : ", closed " + closeReason) + "]";
    }
}
