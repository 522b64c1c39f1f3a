package dev.peerlink.turn.server.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Sets up accepted client connections; beyond the limit they are closed at once. */
public final class TcpInitializer extends ChannelInitializer<SocketChannel> {
    private final TurnEngine engine;
    private final Counters counters;
    private final long idleMillis;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    public TcpInitializer(TurnEngine engine, Counters counters, Duration idle, int maxConnections) {
        this.engine = engine;
        this.counters = counters;
        this.idleMillis = idle.toMillis();
        this.maxConnections = maxConnections;
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
                .addLast(new TcpFrameDecoder(counters))
                .addLast(new TcpClientHandler(engine));
    }
}
