package dev.peerlink.turn.server.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Binds an allocation's relayed socket on its client's event loop, asynchronously (the loop must not
 * block), trying other ports of the range when one is taken by another process.
 */
final class RelayBinder {
    private static final int MAX_ATTEMPTS = 32;

    private final Bootstrap bootstrap;
    private final InetAddress relayIp;
    private final RelayPorts ports;
    private final DataPath data;

    RelayBinder(TurnTransport transport, InetAddress relayIp, RelayPorts ports, DataPath data) {
        this.bootstrap = transport.relay(relayIp);
        this.relayIp = relayIp;
        this.ports = ports;
        this.data = data;
    }

    /** Calls {@code done} on the allocation's event loop with the bound channel, or null when no port could be had. */
    void bind(Allocation a, boolean evenPort, Consumer<Channel> done) {
        attempt(a, evenPort, new HashSet<>(), done);
    }

    private void attempt(Allocation a, boolean even, Set<Integer> tried, Consumer<Channel> done) {
        int port = tried.size() < MAX_ATTEMPTS ? ports.claim(even, tried) : -1;
        if (port < 0) {
            done.accept(null);
            return;
        }
        tried.add(port);
        ChannelFuture f = bootstrap.clone(a.link.eventLoop())
                .handler(new RelayHandler(a, data))
                .bind(new InetSocketAddress(relayIp, port));
        f.addListener(x -> {
            if (f.isSuccess()) {
                a.port = port;
                f.channel().closeFuture().addListener(c -> ports.release(port));
                done.accept(f.channel());
            } else {
                ports.release(port);
                attempt(a, even, tried, done);
            }
        });
    }
}
