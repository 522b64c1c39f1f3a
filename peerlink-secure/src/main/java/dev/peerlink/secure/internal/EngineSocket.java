package dev.peerlink.secure.internal;

import io.netty.util.ReferenceCounted;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a connected blocking socket, driven through an {@link SSLEngine} (BoringSSL or the JDK's, see
 * {@link TlsEngines}). One reader thread and any number of writers (serialised here).
 *
 * <p>Built for bulk throughput: a write encrypts the caller's bytes into as many full 16 KiB records as fit in
 * {@link #NET_BUFFER} and hands them to the kernel in one call; a read takes whatever ciphertext the kernel has (up to
 * {@link #NET_BUFFER}) and decrypts every complete record straight into the caller's array when it has room, so a
 * 64 KiB mux frame costs one socket call each way instead of one per record.
 */
public final class EngineSocket implements HalfCloseable {
    /** Ciphertext per socket read or write: 16 records. */
    static final int NET_BUFFER = 16 * (16 * 1024 + 256);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Socket socket;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final int packetSize;
    /** Received ciphertext not yet decrypted, in read mode (position..limit). Reader thread only. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet read, in read mode. Reader thread only. */
    private ByteBuffer appIn;
    /** Ciphertext being written. Guarded by writeLock. */
    private final ByteBuffer netOut;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile boolean closed;

    /**
     * @param consumed bytes already read from the socket that belong to TLS (replayed first), or null
     */
    public EngineSocket(Socket socket, SSLEngine engine, byte[] consumed) throws IOException {
        this.socket = socket;
        this.engine = engine;
        this.rawIn = socket.getInputStream();
        this.rawOut = socket.getOutputStream();
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(Math.max(NET_BUFFER, 2 * packetSize));
        if (consumed != null) {
            netIn.put(consumed);
        }
        netIn.flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(Math.max(NET_BUFFER, 2 * packetSize));
    }

    public SSLEngine engine() {
        return engine;
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    /** Runs the handshake to its end (blocking; the socket's read timeout bounds each wait for the peer). */
    public void handshake() throws IOException {
        try {
            engine.beginHandshake();
            // follow the status each call returns: BoringSSL's engine reports NOT_HANDSHAKING as soon as its side is
            // done, while its last flight still waits to be wrapped
            HandshakeStatus hs = engine.getHandshakeStatus();
            while (true) {
                switch (hs) {
                    case NEED_WRAP -> hs = send(EMPTY);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        appIn.compact();
                        SSLEngineResult r;
                        try {
                            r = engine.unwrap(netIn, appIn);
                        } finally {
                            appIn.flip();
                        }
                        hs = r.getHandshakeStatus();
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                            appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLException("connection closed during the TLS handshake");
                        } else if (r.bytesConsumed() == 0 && (hs == HandshakeStatus.NEED_UNWRAP
                                || hs == HandshakeStatus.NEED_UNWRAP_AGAIN) && !fill()) {
                            // (after a delegated task BoringSSL moves on in an unwrap that consumes nothing)
                            throw new EOFException("connection closed during the TLS handshake");
                        }
                    }
                    case NEED_TASK -> {
                        runTasks();
                        hs = engine.getHandshakeStatus();
                    }
                    default -> {
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            sendPendingAlert();
            throw e;
        }
    }

    /** After a failed handshake: gives the peer the alert the engine holds, so it learns why (best effort). */
    private void sendPendingAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                send(EMPTY);
            }
        } catch (IOException | RuntimeException ignored) {
            // the handshake already failed; this was a courtesy
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Reads more ciphertext into netIn. False at end of stream. */
    private boolean fill() throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                netIn = grow(netIn.flip(), 0).compact();
            }
            int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n < 0) {
                return false;
            }
            netIn.position(netIn.position() + n);
            return true;
        } finally {
            netIn.flip();
        }
    }

    /** A larger copy of a buffer in read mode, still in read mode. */
    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer g = ByteBuffer.allocate(Math.max(2 * b.capacity(), b.remaining() + atLeast));
        g.put(b);
        return g.flip();
    }

    /** Encrypts all of src and writes the records; several records per socket write. */
    private HandshakeStatus send(ByteBuffer src) throws IOException {
        HandshakeStatus hs = HandshakeStatus.NOT_HANDSHAKING;
        writeLock.lock();
        try {
            do {
                netOut.clear();
                while (netOut.remaining() >= packetSize) {
                    SSLEngineResult r = engine.wrap(src, netOut);
                    hs = r.getHandshakeStatus();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
                        if (netOut.position() > 0) {
                            break;
                        }
                        throw new SSLException("TLS connection closed");
                    }
                    if (hs == HandshakeStatus.NEED_TASK) {
                        runTasks();
                        hs = engine.getHandshakeStatus();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
                            || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)
                            || (!src.hasRemaining() && hs != HandshakeStatus.NEED_WRAP)) {
                        break;
                    }
                }
                if (netOut.position() == 0) {
                    if (src.hasRemaining()) {
                        throw new SSLException("TLS engine produced no records for " + src.remaining() + " bytes");
                    }
                    return hs;
                }
                rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.position());
            } while (src.hasRemaining() || hs == HandshakeStatus.NEED_WRAP);
            return hs;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Decrypts into b: straight into the caller's array when it can hold a whole record, else through appIn. Returns
     * the bytes produced, -1 at the end of the stream (close_notify or the socket's end).
     */
    private int receive(byte[] b, int off, int len) throws IOException {
        if (appIn.hasRemaining()) {
            int n = Math.min(len, appIn.remaining());
            appIn.get(b, off, n);
            return n;
        }
        int appSize = engine.getSession().getApplicationBufferSize();
        while (true) {
            if (netIn.hasRemaining()) {
                boolean direct = len >= appSize;
                ByteBuffer dst = direct ? ByteBuffer.wrap(b, off, len) : appIn.clear();
                int produced = 0;
                SSLEngineResult r;
                try {
                    // every complete record there is room for, in as few calls as the engine allows
                    do {
                        r = engine.unwrap(netIn, dst);
                        produced += r.bytesProduced();
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            runTasks();
                        }
                    } while (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0
                            && netIn.hasRemaining() && dst.remaining() >= appSize);
                } finally {
                    if (!direct) {
                        appIn.flip();
                    }
                }
                if (produced > 0) {
                    if (direct) {
                        return produced;
                    }
                    int n = Math.min(len, appIn.remaining());
                    appIn.get(b, off, n);
                    return n;
                }
                switch (r.getStatus()) {
                    case CLOSED -> {
                        return -1;
                    }
                    case BUFFER_OVERFLOW -> {
                        if (!direct) {
                            appIn = ByteBuffer.allocate(2 * appIn.capacity()).flip();
                        }
                        appSize = Math.max(appSize, (direct ? len : appIn.capacity()) + 1);
                        continue;
                    }
                    case OK -> {
                        if (r.bytesConsumed() > 0) {
                            continue; // a post-handshake message (ticket, key update)
                        }
                    }
                    default -> {
                        // BUFFER_UNDERFLOW: read more below
                    }
                }
            }
            if (!fill()) {
                return -1;
            }
        }
    }

    /**
     * Ends our side with a TCP FIN once pending writes are out. No close_notify: the mux's GO_AWAY is the
     * application's end, and a closed outbound engine may stop decrypting the peer's last bytes we still drain.
     */
    @Override
    public void shutdownOutput() throws IOException {
        try {
            // a writer stuck on a full socket would hold us forever: the caller then closes at once instead
            if (!writeLock.tryLock(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IOException("a write is still in progress");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try {
            if (!closed && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes the socket and frees the engine (BoringSSL's native state). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } finally {
            engine.closeOutbound();
            if (engine instanceof ReferenceCounted rc && rc.refCnt() > 0) {
                rc.release();
            }
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (closed) {
                throw new IOException("socket closed");
            }
            return receive(b, off, len);
        }

        @Override
        public void close() throws IOException {
            EngineSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("socket closed");
            }
            if (len > 0) {
                send(ByteBuffer.wrap(b, off, len));
            }
        }

        @Override
        public void close() throws IOException {
            EngineSocket.this.close();
        }
    }
}
