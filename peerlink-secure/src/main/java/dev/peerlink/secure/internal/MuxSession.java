package dev.peerlink.secure.internal;

import dev.peerlink.secure.CloseReason;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.mux.MuxCodec;
import dev.peerlink.secure.mux.MuxDecodeException;
import dev.peerlink.secure.mux.MuxFrame;
import dev.peerlink.secure.mux.MuxFrame.Type;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Streams, datagrams and keepalive multiplexed over one reliable, ordered byte pipe (TLS 1.3 over TCP in
 * production). Stream ids: odd for the initiator, even for the responder. Each stream starts with a receive window
 * of {@link #INITIAL_WINDOW}; the opener's SYN and the acceptor's ACK window updates grow it to each side's
 * configured window. A sender never sends more than the window the receiver granted; a receiver that gets more
 * treats it as a protocol violation and ends the session. Receive windows then grow by autotuning ({@link WindowTuner})
 * up to the configured connection window.
 */
public final class MuxSession extends AbstractSession {
    public static final int INITIAL_WINDOW = 256 * 1024;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "peerlink-mux-timer");
        t.setDaemon(true);
        return t;
    });

    private final String transport;
    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;
    private final SessionConfig config;
    private final Map<Integer, MuxStream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] writeBuffer = new byte[MuxFrame.HEADER_LENGTH + MuxFrame.MAX_PAYLOAD];
    private int nextStreamId;
    private int lastPeerStreamId;
    private volatile long lastHeardNanos = System.nanoTime();
    /** Smoothed round trip from keepalive PINGs (0 until the first reply): drives window autotuning. */
    private volatile long rttNanos;
    private final java.util.concurrent.atomic.AtomicBoolean rttProbe = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean goAwayReceived;
    private volatile boolean closing;
    private final ScheduledFuture<?> keepalive;
    private final Thread reader;
    private final java.util.concurrent.atomic.AtomicBoolean connectionClosed = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * How long a local close waits for the peer's end after GO_AWAY. Closing a socket with unread bytes makes the
     * kernel send a reset, and the peer, writing a PING reply or a window update at that moment, would see a broken
     * pipe before it reads our GO_AWAY and report ERROR instead of PEER_CLOSE.
     */
    static final long LINGER_MILLIS = 1000;

    public MuxSession(String transport, PeerIdentity peer, InputStream in, OutputStream out, Closeable connection,
                      boolean initiator, SessionConfig config) {
        super(peer);
        this.transport = transport;
        this.in = in;
        this.out = out;
        this.connection = connection;
        this.config = config;
        this.nextStreamId = initiator ? 1 : 2;
        this.lastPeerStreamId = initiator ? 0 : -1;
        long k = config.keepaliveInterval().toMillis();
        // the first PING at once: its reply gives the round trip that window autotuning needs
        this.keepalive = TIMER.scheduleAtFixedRate(this::tick, 0, k, TimeUnit.MILLISECONDS);
        this.reader = Thread.ofPlatform().daemon().name("peerlink-mux-reader").start(this::readLoop);
    }

    @Override
    public String transport() {
        return transport;
    }

    SessionConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- liveness

    private void tick() {
        if (!isOpen()) {
            return;
        }
        long silent = System.nanoTime() - lastHeardNanos;
        if (silent > config.idleTimeout().toNanos()) {
            fail(CloseReason.IDLE_TIMEOUT, null);
            return;
        }
        // never block the timer on a stuck socket: if a writer holds the lock, bytes are moving (or the idle check
        // above will end it)
        if (writeLock.tryLock()) {
            try {
                writeFrameLocked(Type.PING, 0, 0, System.nanoTime() & 0xffffffffL, null, 0, 0);
            } catch (IOException e) {
                fail(CloseReason.ERROR, e);
            } finally {
                writeLock.unlock();
            }
        } else if (rttNanos == 0 && rttProbe.compareAndSet(false, true)) {
            // no round trip yet (autotuning needs one) and a bulk writer holds the lock: queue one PING behind it
            Thread.ofVirtual().start(() -> {
                try {
                    writeFrame(Type.PING, 0, 0, System.nanoTime() & 0xffffffffL, null, 0, 0);
                } catch (IOException ignored) {
                    // the session is failing; fail() reports it
                } finally {
                    rttProbe.set(false);
                }
            });
        }
    }

    // ---------------------------------------------------------------- writing

    void writeFrame(Type type, int flags, int streamId, long value, byte[] payload, int off, int len) throws IOException {
        writeLock.lock();
        try {
            writeFrameLocked(type, flags, streamId, value, payload, off, len);
        } finally {
            writeLock.unlock();
        }
    }

    private void writeFrameLocked(Type type, int flags, int streamId, long value, byte[] payload, int off, int len)
            throws IOException {
        if (!isOpen() && type != Type.GO_AWAY) {
            throw new IOException("session closed");
        }
        MuxCodec.encodeHeader(type, flags, streamId, value, writeBuffer, 0);
        if (len > 0) {
            System.arraycopy(payload, off, writeBuffer, MuxFrame.HEADER_LENGTH, len);
        }
        try {
            out.write(writeBuffer, 0, MuxFrame.HEADER_LENGTH + len);
            out.flush();
        } catch (IOException e) {
            fail(CloseReason.ERROR, e);
            throw e;
        }
    }

    // ---------------------------------------------------------------- reading

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(2 * (MuxFrame.HEADER_LENGTH + MuxFrame.MAX_PAYLOAD));
        try {
            while (!connectionClosed.get()) {
                int n = in.read(buf.array(), buf.position(), buf.remaining());
                if (n < 0) {
                    if (goAwayReceived) {
                        fail(CloseReason.PEER_CLOSE, null);
                    } else {
                        fail(CloseReason.ERROR, new EOFException("connection closed by the peer without GO_AWAY"));
                    }
                    return;
                }
                lastHeardNanos = System.nanoTime();
                if (!isOpen()) {
                    buf.clear(); // closed here: drain until the peer's end (see LINGER_MILLIS)
                    continue;
                }
                buf.position(buf.position() + n);
                buf.flip();
                MuxFrame f;
                while ((f = MuxCodec.decode(buf)) != null) {
                    handle(f);
                    if (!isOpen()) {
                        break;
                    }
                }
                buf.compact();
            }
        } catch (MuxDecodeException e) {
            protocolError("malformed frame: " + e.getMessage());
        } catch (IOException e) {
            fail(isOpen() && !closing ? CloseReason.ERROR : CloseReason.LOCAL_CLOSE, e);
        } catch (ProtocolViolation e) {
            protocolError(e.getMessage());
        } finally {
            closeConnection();
        }
    }

    private static final class ProtocolViolation extends Exception {
        ProtocolViolation(String m) {
            super(m, null, false, false);
        }
    }

    private void handle(MuxFrame f) throws ProtocolViolation {
        switch (f.type()) {
            case PING -> {
                if (!f.has(MuxFrame.ACK)) {
                    sendQuietly(Type.PING, MuxFrame.ACK, 0, f.value());
                } else {
                    onPingAck(f.value());
                }
            }
            case GO_AWAY -> {
                goAwayReceived = true;
                fail(CloseReason.PEER_CLOSE, null);
            }
            case DATAGRAM -> deliverDatagram(f.payload());
            case DATA, WINDOW_UPDATE -> handleStreamFrame(f);
        }
    }

    private void handleStreamFrame(MuxFrame f) throws ProtocolViolation {
        int id = f.streamId();
        MuxStream s = streams.get(id);
        if (f.has(MuxFrame.SYN)) {
            if (s != null || !isPeerStreamId(id) || id <= lastPeerStreamId) {
                throw new ProtocolViolation("bad SYN for stream " + id);
            }
            lastPeerStreamId = id;
            long delta = f.type() == Type.WINDOW_UPDATE ? f.value() : 0;
            if (streams.size() >= config.maxStreams()) {
                sendQuietly(Type.WINDOW_UPDATE, MuxFrame.RST, id, 0);
                return;
            }
            s = new MuxStream(this, id, INITIAL_WINDOW + delta, config.streamWindow(), config.connectionWindow());
            streams.put(id, s);
            sendQuietly(Type.WINDOW_UPDATE, MuxFrame.ACK, id, config.streamWindow() - INITIAL_WINDOW);
            incomingStream(s);
            if (f.type() == Type.DATA) {
                s.onData(f.payload());
            }
        } else if (s == null) {
            return; // late frame for a stream already reset or finished
        } else if (f.type() == Type.WINDOW_UPDATE) {
            s.onWindowUpdate(f.value());
        } else {
            s.onData(f.payload());
        }
        if (f.has(MuxFrame.FIN)) {
            s.onFin();
        }
        if (f.has(MuxFrame.RST)) {
            s.onReset();
        }
    }

    /** Our PINGs carry the low 32 bits of System.nanoTime(): the reply gives a round trip of up to 4 s. */
    private void onPingAck(long sentLow32) {
        long rtt = (System.nanoTime() - sentLow32) & 0xffffffffL;
        long r = rttNanos;
        rttNanos = r == 0 ? rtt : (7 * r + rtt) / 8;
    }

    long rttNanos() {
        return rttNanos;
    }

    private boolean isPeerStreamId(int id) {
        return (id & 1) != (nextStreamId & 1);
    }

    /**
     * Control frames sent by the reader must never block it: if a writer holds the lock (and may be stuck on a full
     * socket whose peer is itself stuck writing to us), the frame goes out from a virtual thread instead.
     */
    private void sendQuietly(Type type, int flags, int id, long value) {
        if (writeLock.tryLock()) {
            try {
                writeFrameLocked(type, flags, id, value, null, 0, 0);
            } catch (IOException ignored) {
                // the session is failing; fail() reports it
            } finally {
                writeLock.unlock();
            }
        } else { // PING replies too: the peer's window autotuning needs its round trip while bulk data flows
            Thread.ofVirtual().start(() -> {
                try {
                    writeFrame(type, flags, id, value, null, 0, 0);
                } catch (IOException ignored) {
                    // as above
                }
            });
        }
    }

    void protocolError(String message) {
        if (writeLock.tryLock()) {
            try {
                writeFrameLocked(Type.GO_AWAY, 0, 0, 1, null, 0, 0);
            } catch (IOException ignored) {
                // closing anyway
            } finally {
                writeLock.unlock();
            }
        }
        fail(CloseReason.ERROR, new IOException("mux protocol violation: " + message));
    }

    void removeStream(int id) {
        streams.remove(id);
    }

    // ---------------------------------------------------------------- API

    @Override
    public SecureStream openStream() throws IOException {
        int id;
        MuxStream s;
        writeLock.lock();
        try {
            if (!isOpen()) {
                throw new IOException("session closed");
            }
            id = nextStreamId;
            if (id < 0) {
                throw new IOException("stream ids exhausted");
            }
            nextStreamId += 2;
            s = new MuxStream(this, id, INITIAL_WINDOW, config.streamWindow(), config.connectionWindow());
            streams.put(id, s);
            writeFrameLocked(Type.WINDOW_UPDATE, MuxFrame.SYN, id, config.streamWindow() - INITIAL_WINDOW, null, 0, 0);
        } finally {
            writeLock.unlock();
        }
        return s;
    }

    @Override
    public void sendDatagram(byte[] payload) throws IOException {
        if (payload.length > MuxFrame.MAX_PAYLOAD) {
            throw new IOException("datagram of " + payload.length + " bytes exceeds " + MuxFrame.MAX_PAYLOAD);
        }
        writeFrame(Type.DATAGRAM, 0, 0, payload.length, payload, 0, payload.length);
    }

    @Override
    public int maxDatagramSize() {
        return MuxFrame.MAX_PAYLOAD;
    }

    @Override
    public void close() {
        if (!isOpen()) {
            return;
        }
        closing = true;
        try {
            if (writeLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                try {
                    writeFrameLocked(Type.GO_AWAY, 0, 0, 0, null, 0, 0);
                } catch (IOException ignored) {
                    // best effort
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail(CloseReason.LOCAL_CLOSE, null);
    }

    private void closeConnection() {
        if (connectionClosed.compareAndSet(false, true)) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** Ends the session once: closes the connection, fails every stream, tells listeners. */
    void fail(CloseReason reason, Throwable cause) {
        if (closing && reason == CloseReason.ERROR) {
            reason = CloseReason.LOCAL_CLOSE;
            cause = null;
        }
        if (!markClosed(reason, cause)) {
            return;
        }
        if (keepalive != null) { // null only if the very first tick failed inside the constructor
            keepalive.cancel(false);
        }
        if (reason == CloseReason.LOCAL_CLOSE && closing && reader != null && reader.isAlive()
                && connection instanceof HalfCloseable half) {
            // our GO_AWAY is out: send our end and let the reader drain until the peer's end, bounded by the linger
            try {
                half.shutdownOutput();
                TIMER.schedule(this::closeConnection, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } catch (IOException | RuntimeException e) {
                closeConnection();
            }
        } else {
            closeConnection();
        }
        IOException e = new IOException("session closed: " + reason);
        for (MuxStream s : streams.values()) {
            s.onSessionClosed(e);
        }
        streams.clear();
    }
}
