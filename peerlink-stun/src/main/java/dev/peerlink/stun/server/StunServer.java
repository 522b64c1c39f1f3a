package dev.peerlink.stun.server;

import dev.peerlink.stun.server.internal.NettyTransport;
import dev.peerlink.stun.server.internal.ServerCounters;
import dev.peerlink.stun.server.internal.ServerSockets;
import dev.peerlink.stun.server.internal.SocketLayout;
import dev.peerlink.stun.server.internal.StunEngine;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running STUN server (RFC 8489 Binding, RFC 5780 NAT behaviour discovery) on UDP and TCP.
 * Start with {@link #start}; {@link #close} stops it. Thread-safe.
 */
public final class StunServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StunServer.class);

    private final NettyTransport transport;
    private final MultiThreadIoEventLoopGroup group;
    private final ServerSockets sockets;
    private final ServerSockets sockets6; // on listen6, or null
    private final ServerCounters counters;
    private final List<InetSocketAddress> udpAddresses;
    private final List<InetSocketAddress> tcpAddresses;
    private boolean closed;

    private StunServer(NettyTransport transport, MultiThreadIoEventLoopGroup group, ServerSockets sockets,
                       ServerSockets sockets6, ServerCounters counters) {
        this.transport = transport;
        this.group = group;
        this.sockets = sockets;
        this.sockets6 = sockets6;
        this.counters = counters;
        this.udpAddresses = List.copyOf(sockets.udpBound());
        this.tcpAddresses = List.copyOf(sockets.tcpBound());
    }

    /**
     * Binds every socket and starts answering. With an alternate address that means four addresses
     * (A1:P1, A1:P2, A2:P1, A2:P2) per enabled protocol.
     *
     * @throws IOException when a socket cannot be bound (nothing is left open)
     * @throws IllegalStateException when {@link Transport#EPOLL} is asked for but unavailable
     */
    public static StunServer start(StunServerConfig config) throws IOException {
        NettyTransport transport = NettyTransport.choose(config.transport());
        MultiThreadIoEventLoopGroup group = transport.newGroup(config.ioThreads());
        ServerCounters counters = new ServerCounters();
        try {
            ServerSockets.Opened opened = ServerSockets.openConfigured(config, transport, group, counters);
            ServerSockets sockets6 = null;
            if (config.listen6().isPresent()) {
                // The primary's port again, on IPv6; no RFC 5780 there (its alternate is of the primary's family).
                SocketLayout layout6 = SocketLayout.of(new InetSocketAddress(config.listen6().get(),
                        opened.layout().address(0).getPort()), null);
                try {
                    sockets6 = ServerSockets.open(config, layout6, transport, group, new StunEngine(config, layout6, counters));
                } catch (IOException | RuntimeException e) {
                    opened.sockets().close();
                    throw e;
                }
            }
            StunServer server = new StunServer(transport, group, opened.sockets(), sockets6, counters);
            LOG.info("STUN server on UDP {} TCP {}{} ({}, {} IO threads)", server.udpAddresses, server.tcpAddresses,
                    sockets6 == null ? "" : " IPv6 UDP " + server.udpAddresses6() + " TCP " + server.tcpAddresses6(),
                    transport.name(), config.ioThreads());
            return server;
        } catch (IOException | RuntimeException | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Bound UDP addresses, in RFC 5780 order when there is an alternate:
     * A1:P1, A1:P2, A2:P1, A2:P2 (primary first). Empty when UDP is disabled.
     */
    public List<InetSocketAddress> udpAddresses() {
        return udpAddresses;
    }

    /** Bound TCP listener addresses, same order as {@link #udpAddresses()}. */
    public List<InetSocketAddress> tcpAddresses() {
        return tcpAddresses;
    }

    /** The UDP address on {@code listen6} (one, the primary's port), or empty without one. */
    public List<InetSocketAddress> udpAddresses6() {
        return sockets6 == null ? List.of() : sockets6.udpBound();
    }

    /** The TCP listener on {@code listen6}, or empty without one. */
    public List<InetSocketAddress> tcpAddresses6() {
        return sockets6 == null ? List.of() : sockets6.tcpBound();
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    public StunServerStats stats() {
        return counters.snapshot();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sockets.close();
        if (sockets6 != null) {
            sockets6.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
