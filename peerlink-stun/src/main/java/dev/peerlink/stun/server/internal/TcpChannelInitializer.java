package dev.peerlink.stun.server.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Sets up each accepted TCP connection; refuses connections beyond the limit by closing them at once. */
public final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final StunEngine engine;
    private final int addressIndex;
    private final long idleMillis;
    private final int maxConnections;
    private final AtomicInteger open;

    public TcpChannelInitializer(StunEngine engine, int addressIndex, Duration idle, int maxConnections,
                                 AtomicInteger open) {
        this.engine = engine;
        this.addressIndex = addressIndex;
        this.idleMillis = idle.toMillis();
        this.maxConnections = maxConnections;
        this.open = open;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                .addLast(new StunFrameDecoder(engine.counters(), engine.maxMessageSize()))
                .addLast(new TcpStunHandler(engine, addressIndex));
    }
}
