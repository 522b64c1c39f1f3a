package dev.peerlink.turn.server.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Binds an allocation's relayed socket on its client's event loop, asynchronously (the loop must not
 * block), trying other ports of the range when one is taken by another process. Also binds the
 * pairs EVEN-PORT's R bit asks for and the ports reservation tokens redeem (RFC 8656 §7.2).
 */
final class RelayBinder {
    private static final int MAX_ATTEMPTS = 32;

    /** The relay on an even port N, and the placeholder socket holding N+1 for a reservation. */
    record Pair(Channel relay, Channel placeholder) {}

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
        ChannelFuture f = bindRelay(a, port);
        f.addListener(x -> {
            if (f.isSuccess()) {
                done.accept(adopt(a, port, f.channel()));
            } else {
                ports.release(port);
                attempt(a, even, tried, done);
            }
        });
    }

    /** Like {@link #bind} with an even port, and N+1 bound by a placeholder; null when no pair could be had. */
    void bindPair(Allocation a, Consumer<Pair> done) {
        attemptPair(a, new HashSet<>(), done);
    }

    private void attemptPair(Allocation a, Set<Integer> tried, Consumer<Pair> done) {
        int port = tried.size() < MAX_ATTEMPTS ? ports.claimPair(tried) : -1;
        if (port < 0) {
            done.accept(null);
            return;
        }
        tried.add(port);
        Runnable retry = () -> {
            ports.release(port);
            ports.release(port + 1);
            attemptPair(a, tried, done);
        };
        ChannelFuture f = bindRelay(a, port);
        f.addListener(x -> {
            if (!f.isSuccess()) {
                retry.run();
                return;
            }
            // Unhandled datagrams reach the pipeline's tail, which frees them: the placeholder only holds the port.
            ChannelFuture g = bootstrap.clone(a.link.eventLoop()).handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(relayIp, port + 1));
            g.addListener(y -> {
                if (g.isSuccess()) {
                    done.accept(new Pair(adopt(a, port, f.channel()), g.channel()));
                } else {
                    f.channel().close().addListener(c -> retry.run());
                }
            });
        });
    }

    /**
     * Binds the reserved port for {@code a} (null {@code r}: an unknown token, {@code done} gets null).
     * The placeholder is closed first; the port stays claimed in {@link RelayPorts} throughout.
     */
    void bindReserved(Allocation a, Reservations.Reserved r, Consumer<Channel> done) {
        if (r == null) {
            done.accept(null);
            return;
        }
        r.placeholder().close().addListener(x -> {
            ChannelFuture f = bindRelay(a, r.port());
            f.addListener(y -> {
                if (f.isSuccess()) {
                    done.accept(adopt(a, r.port(), f.channel()));
                } else {
                    ports.release(r.port()); // another process took it in the moment it was free
                    done.accept(null);
                }
            });
        });
    }

    private ChannelFuture bindRelay(Allocation a, int port) {
        return bootstrap.clone(a.link.eventLoop()).handler(new RelayHandler(a, data))
                .bind(new InetSocketAddress(relayIp, port));
    }

    private Channel adopt(Allocation a, int port, Channel relay) {
        relay.closeFuture().addListener(c -> ports.release(port));
        return relay;
    }
}
