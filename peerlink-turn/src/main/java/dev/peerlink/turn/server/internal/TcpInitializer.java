package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.Refusal;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sets up accepted client connections, TCP or (with an {@link SslContext}) TLS; beyond the total or
 * per-IP limit they are closed at once. Over TLS the same framing runs on the decrypted stream.
 */
public final class TcpInitializer extends ChannelInitializer<SocketChannel> {
    static final String IDLE = "idle";
    static final String FRAMES = "frames";
    static final String CLIENT = "client";
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final TurnEngine engine;
    private final Counters counters;
    private final long idleMillis;
    private final ConnectionLimits limits;
    private final SslContext tls;

    /** {@code tls} null for plain TCP. */
    public TcpInitializer(TurnEngine engine, Counters counters, Duration idle, ConnectionLimits limits, SslContext tls) {
        this.engine = engine;
        this.counters = counters;
        this.idleMillis = idle.toMillis();
        this.limits = limits;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetAddress ip = ch.remoteAddress().getAddress();
        if (!limits.tryOpen(ip)) {
            counters.refused(Refusal.CONNECTION_LIMIT);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> limits.closed(ip));
        if (tls != null) {
            SslHandler ssl = tls.newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
            ch.pipeline().addLast(ssl);
        }
        ch.pipeline()
                .addLast(IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                .addLast(FRAMES, new TcpFrameDecoder(counters))
                .addLast(CLIENT, new TcpClientHandler(engine));
    }
}
