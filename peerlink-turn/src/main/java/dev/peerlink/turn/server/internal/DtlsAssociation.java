package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * One DTLS 1.2 association (the JDK's SSLEngine, server side) with one client 5-tuple. Not thread-safe: used on the
 * listener's event loop only. Records in, records out: {@link #receive} turns a datagram into the application
 * messages it carries (one STUN message or ChannelData per record) and queues what the engine wants sent;
 * {@link #seal} makes one record of one message.
 */
final class DtlsAssociation {
    private final SSLEngine engine;
    private final long createdNanos;
    private final byte[] cookie;
    /** The way back to the client, set once the association is admitted. */
    ClientLink link;
    private long lastSeenNanos;
    private boolean established;
    private boolean closed;
    private ByteBuffer app;
    private ByteBuffer net;

    DtlsAssociation(SSLEngine engine, long now, byte[] cookie) {
        this.engine = engine;
        this.createdNanos = now;
        this.lastSeenNanos = now;
        this.cookie = cookie;
        this.app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    boolean established() {
        return established;
    }

    boolean closed() {
        return closed;
    }

    long createdNanos() {
        return createdNanos;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    /** The cookie the client echoed to get this association (unique among pending handshakes). */
    byte[] cookie() {
        return cookie;
    }

    /**
     * Feeds one datagram (possibly several records). Decrypted messages go to {@code messages}, datagrams the engine
     * produced (handshake flights, retransmissions, alerts) to {@code out}; the caller owns both.
     *
     * @throws SSLException when the handshake fails or a record is forged: the association is dead
     */
    void receive(ByteBuf datagram, long now, List<ByteBuf> messages, List<ByteBuf> out) throws SSLException {
        lastSeenNanos = now;
        ByteBuffer src = datagram.nioBuffer();
        do {
            app.clear();
            SSLEngineResult r = engine.unwrap(src, app);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                app = ByteBuffer.allocate(app.capacity() * 2);
                continue;
            }
            if (r.bytesProduced() > 0) {
                app.flip();
                messages.add(Unpooled.copiedBuffer(app));
            }
            drive(r.getHandshakeStatus(), out);
            if (r.getStatus() == Status.CLOSED || engine.isInboundDone()) {
                closed = true;
                return;
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                return; // a record the engine dropped whole (old epoch, replay, bad MAC is discarded in DTLS)
            }
        } while (src.hasRemaining());
    }

    /** Runs the handshake as far as it goes without new input. */
    private void drive(HandshakeStatus hs, List<ByteBuf> out) throws SSLException {
        while (true) {
            switch (hs) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run(); // key exchange and signature, ~1 ms: not worth a hop off the event loop
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(Unpooled.EMPTY_BUFFER.nioBuffer(), out);
                    hs = r.getHandshakeStatus();
                    if (r.getStatus() == Status.CLOSED) {
                        closed = true;
                        return;
                    }
                }
                case NEED_UNWRAP_AGAIN -> {
                    app.clear();
                    hs = engine.unwrap(ByteBuffer.allocate(0), app).getHandshakeStatus();
                }
                case FINISHED -> {
                    established = true;
                    return;
                }
                case NOT_HANDSHAKING -> {
                    if (closed) {
                        return;
                    }
                    if (!"SSL_NULL_WITH_NULL_NULL".equals(engine.getSession().getCipherSuite())) {
                        established = true; // the JDK reports FINISHED once; a handshake ending inside unwrap leaves this
                        return;
                    }
                    // The JDK answers a cookie-less ClientHello with a HelloVerifyRequest it queues while it reports
                    // NOT_HANDSHAKING (it keeps no handshake state for it): a wrap sends it.
                    SSLEngineResult r = wrap(ByteBuffer.allocate(0), out);
                    if (r.bytesProduced() == 0 || r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                        return;
                    }
                    hs = r.getHandshakeStatus();
                }
                default -> { // NEED_UNWRAP: waits for the client
                    return;
                }
            }
        }
    }

    private SSLEngineResult wrap(ByteBuffer src, List<ByteBuf> out) throws SSLException {
        while (true) {
            net.clear();
            SSLEngineResult r = engine.wrap(src, net);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                net = ByteBuffer.allocate(net.capacity() * 2);
                continue;
            }
            if (r.bytesProduced() > 0) {
                net.flip();
                out.add(Unpooled.copiedBuffer(net));
            }
            return r;
        }
    }

    /**
     * One message as one record, or null when it does not fit one (larger than a DTLS record's 2^14 bytes) or the
     * association is not up. Does not release {@code message}.
     */
    ByteBuf seal(ByteBuf message) {
        if (!established || closed) {
            return null;
        }
        try {
            List<ByteBuf> out = new java.util.ArrayList<>(1);
            ByteBuffer src = message.nioBuffer();
            SSLEngineResult r = wrap(src, out);
            if (r.getStatus() != Status.OK || src.hasRemaining() || out.size() != 1) {
                out.forEach(ByteBuf::release);
                return null;
            }
            return out.get(0);
        } catch (SSLException e) {
            closed = true;
            return null;
        }
    }

    /** After a failed unwrap: the alert the engine queued for the client, if any. */
    void alert(List<ByteBuf> out) {
        closed = true;
        try {
            wrap(ByteBuffer.allocate(0), out);
        } catch (SSLException ignored) {
            // nothing to send
        }
    }

    /** close_notify for the client (best effort), then the engine is done. */
    void close(List<ByteBuf> out) {
        if (closed) {
            return;
        }
        closed = true;
        engine.closeOutbound();
        try {
            wrap(ByteBuffer.allocate(0), out);
        } catch (SSLException ignored) {
            // the alert is a courtesy
        }
    }
}
