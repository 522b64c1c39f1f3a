package dev.peerlink.secure.internal;

import dev.peerlink.secure.CloseReason;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A secure session on one QUIC connection. Streams are QUIC bidirectional streams; datagrams are QUIC DATAGRAM
 * frames (RFC 9221) whose first byte says what they carry: {@link #DGRAM_APP} or {@link #DGRAM_KEEPALIVE}.
 * Keepalive DATAGRAM frames are ack-eliciting, so each side hears from the other at least every keepalive
 * interval; quiche's idle timer (max_idle_timeout = the configured idle timeout) closes a dead connection.
 */
public final class QuicSecureSession extends AbstractSession {
    static final AttributeKey<QuicSecureSession> SESSION = AttributeKey.valueOf("peerlink.quic.session");
    static final AttributeKey<QuicSecureStream> STREAM = AttributeKey.valueOf("peerlink.quic.stream");
    static final byte DGRAM_APP = 0;
    static final byte DGRAM_KEEPALIVE = 1;
    /** Sent by the server once its handshake is done, i.e. after it accepted the client's certificate. */
    static final byte DGRAM_CONFIRM = 2;

    private final Channel udp;
    private final boolean client;
    private volatile boolean tlsDone;
    private final SessionConfig config;
    /** Completes with this session when the handshake succeeds (pin verified). */
    final CompletableFuture<QuicSecureSession> handshake = new CompletableFuture<>();
    private volatile QuicChannel quic;
    private volatile boolean localClose;
    private volatile QuicConnectionCloseEvent peerCloseEvent;
    private volatile Throwable failure;
    private volatile int maxDatagram;
    private ScheduledFuture<?> keepalive;

    QuicSecureSession(Channel udp, PeerIdentity peer, SessionConfig config, boolean client) {
        super(peer);
        this.client = client;
        this.udp = java.util.Objects.requireNonNull(udp, "udp");
        this.config = config;
    }

    @Override
    public String transport() {
        return "quic";
    }

    QuicConnectionCloseEvent peerCloseEvent() {
        return peerCloseEvent;
    }

    Throwable failure() {
        return failure;
    }

    /** The handler for the QUIC connection channel. */
    ChannelInboundHandlerAdapter connectionHandler() {
        return new ConnectionHandler();
    }

    /** Initializer for every stream channel, local or remote. */
    static ChannelInitializer<QuicStreamChannel> streamInitializer(boolean remote) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                ch.config().setAllowHalfClosure(true);
                QuicSecureStream s = new QuicSecureStream(ch);
                ch.attr(STREAM).set(s);
                ch.pipeline().addLast(s.handler());
                if (remote) {
                    QuicSecureSession session = ch.parent().attr(SESSION).get();
                    if (session == null) {
                        ch.close();
                    } else {
                        // normally already done; a stream racing the handshake's last event waits for it
                        session.handshake.whenComplete((ok, err) -> {
                            if (err == null) {
                                session.incomingStream(s);
                            } else {
                                ch.close();
                            }
                        });
                    }
                }
            }
        };
    }

    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            quic = (QuicChannel) ctx.channel();
            quic.attr(SESSION).set(QuicSecureSession.this);
            quic.closeFuture().addListener(f -> onConnectionClosed());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (e.isSuccess()) {
                    // The client's TLS 1.3 handshake ends before the server has checked the client's certificate:
                    // the client waits for the server's first datagram (CONFIRM, or any keepalive if it was lost).
                    tlsDone = true;
                    if (!client) {
                        established();
                        quic.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {DGRAM_CONFIRM}));
                    }
                } else {
                    failure = e.cause();
                    handshake.completeExceptionally(e.cause());
                    quic.close();
                }
            } else if (evt instanceof QuicDatagramExtensionEvent e) {
                maxDatagram = Math.max(0, e.maxLength() - 1);
            } else if (evt instanceof QuicConnectionCloseEvent e) {
                peerCloseEvent = e;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                try {
                    if (client && tlsDone && !handshake.isDone()) {
                        established();
                    }
                    if (buf.isReadable() && buf.readByte() == DGRAM_APP) {
                        byte[] d = new byte[buf.readableBytes()];
                        buf.readBytes(d);
                        deliverDatagram(d);
                    }
                } finally {
                    buf.release();
                }
            } else {
                ctx.fireChannelRead(msg); // new stream channels travel the pipeline to Netty's stream acceptor
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            if (!handshake.isDone() && cause instanceof javax.net.ssl.SSLException) {
                handshake.completeExceptionally(cause);
                quic.close();
            }
        }
    }

    private void established() {
        long k = config.keepaliveInterval().toMillis();
        keepalive = quic.eventLoop().scheduleAtFixedRate(() -> {
            if (quic.isActive()) {
                quic.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {DGRAM_KEEPALIVE}));
            }
        }, k, k, TimeUnit.MILLISECONDS);
        handshake.complete(this);
    }

    private void onConnectionClosed() {
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        if (!handshake.isDone()) {
            handshake.completeExceptionally(failure != null ? failure : new IOException("QUIC connection closed during handshake"));
        }
        // let a CONNECTION_CLOSE we just queued leave the socket before it closes
        udp.eventLoop().schedule(() -> udp.close(), 50, TimeUnit.MILLISECONDS);
        if (!handshake.isCompletedExceptionally()) {
            CloseReason reason;
            QuicConnectionCloseEvent e = peerCloseEvent;
            if (localClose) {
                reason = CloseReason.LOCAL_CLOSE;
            } else if (quic.isTimedOut()) {
                reason = CloseReason.IDLE_TIMEOUT;
            } else if (e != null && e.isApplicationClose() && e.error() == 0) {
                reason = CloseReason.PEER_CLOSE;
            } else {
                reason = CloseReason.ERROR;
            }
            markClosed(reason, reason == CloseReason.ERROR
                    ? (failure != null ? failure : new IOException("QUIC connection closed: " + e)) : null);
        }
    }

    @Override
    public SecureStream openStream() throws IOException {
        QuicChannel q = quic;
        if (!isOpen() || q == null || !q.isActive()) {
            throw new IOException("session closed");
        }
        if (q.eventLoop().inEventLoop()) {
            throw new IllegalStateException("openStream() blocks; not on the transport thread");
        }
        try {
            QuicStreamChannel ch = q.createStream(QuicStreamType.BIDIRECTIONAL, streamInitializer(false)).get();
            return ch.attr(STREAM).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        } catch (ExecutionException e) {
            throw new IOException("cannot open stream: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void sendDatagram(byte[] payload) throws IOException {
        if (!isOpen()) {
            throw new IOException("session closed");
        }
        int max = maxDatagram;
        if (payload.length > max) {
            throw new IOException("datagram of " + payload.length + " bytes exceeds " + max);
        }
        ByteBuf buf = quic.alloc().directBuffer(payload.length + 1).writeByte(DGRAM_APP).writeBytes(payload);
        quic.writeAndFlush(buf);
    }

    /** "protocol cipher peer-key-algorithm" of the handshake (diagnostics, tests). */
    public String tlsDescription() {
        try {
            javax.net.ssl.SSLSession ss = quic.sslEngine().getSession();
            return ss.getProtocol() + " " + ss.getCipherSuite() + " " + ss.getPeerCertificates()[0].getPublicKey().getAlgorithm();
        } catch (Exception e) {
            return "n/a: " + e;
        }
    }

    /** Connection statistics from quiche (for diagnostics and benchmarks). */
    public String stats() {
        try {
            return quic.collectStats().get() + " " + quic.collectPathStats(0).get();
        } catch (Exception e) {
            return "n/a: " + e;
        }
    }

    @Override
    public int maxDatagramSize() {
        return maxDatagram;
    }

    @Override
    public void close() {
        localClose = true;
        QuicChannel q = quic;
        if (q != null && q.isOpen() && !q.eventLoop().isShuttingDown()) {
            try {
                q.close(true, 0, Unpooled.EMPTY_BUFFER);
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the transport's event loop stopped between the check and the close: nothing left to tell the peer
            }
        }
        udp.close();
    }
}
