package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.client.TurnTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/** A JDK DTLS 1.2 client engine driven by hand: datagrams out of {@link #flight}, datagrams into {@link #receive}. */
final class DtlsTestClient {
    private final SSLEngine engine;
    private final ByteBuffer app;

    DtlsTestClient() throws Exception {
        SSLContext ctx = TurnTls.anyCertificateDtls();
        engine = ctx.createSSLEngine("peerlink-turn", 3478);
        engine.setUseClientMode(true);
        app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
    }

    boolean established() {
        return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && !"SSL_NULL_WITH_NULL_NULL".equals(engine.getSession().getCipherSuite());
    }

    /** The datagrams the engine wants sent now (its next flight). */
    List<ByteBuf> flight() throws Exception {
        List<ByteBuf> out = new ArrayList<>();
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (true) {
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable t;
                while ((t = engine.getDelegatedTask()) != null) {
                    t.run();
                }
                hs = engine.getHandshakeStatus();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), net);
                net.flip();
                if (net.hasRemaining()) {
                    out.add(Unpooled.wrappedBuffer(net));
                }
                hs = r.getHandshakeStatus();
            } else {
                return out;
            }
        }
    }

    /** One datagram from the server; returns the application data it carried (empty during the handshake). */
    List<ByteBuf> receive(ByteBuf datagram) throws Exception {
        List<ByteBuf> messages = new ArrayList<>();
        ByteBuffer src = datagram.nioBuffer();
        while (src.hasRemaining()) {
            app.clear();
            SSLEngineResult r = engine.unwrap(src, app);
            if (r.bytesProduced() > 0) {
                app.flip();
                messages.add(Unpooled.copiedBuffer(app));
            }
            HandshakeStatus hs = r.getHandshakeStatus();
            while (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                if (hs == HandshakeStatus.NEED_TASK) {
                    Runnable t;
                    while ((t = engine.getDelegatedTask()) != null) {
                        t.run();
                    }
                    hs = engine.getHandshakeStatus();
                } else {
                    app.clear();
                    hs = engine.unwrap(ByteBuffer.allocate(0), app).getHandshakeStatus();
                }
            }
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        return messages;
    }

    /** One application message as one record. */
    ByteBuf seal(byte[] message) throws Exception {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.wrap(message), net);
        net.flip();
        return Unpooled.wrappedBuffer(net);
    }

    /** close_notify. */
    ByteBuf close() throws Exception {
        engine.closeOutbound();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), net);
        net.flip();
        return Unpooled.wrappedBuffer(net);
    }
}
