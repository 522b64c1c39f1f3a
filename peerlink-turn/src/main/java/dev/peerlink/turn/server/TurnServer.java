package dev.peerlink.turn.server;

import dev.peerlink.turn.server.internal.ConnectionLimits;
import dev.peerlink.turn.server.internal.Counters;
import dev.peerlink.turn.server.internal.DtlsContexts;
import dev.peerlink.turn.server.internal.DtlsListenerHandler;
import dev.peerlink.turn.server.internal.TcpInitializer;
import dev.peerlink.turn.server.internal.TlsContexts;
import dev.peerlink.turn.server.internal.TurnEngine;
import dev.peerlink.turn.server.internal.TurnTransport;
import dev.peerlink.turn.server.internal.UdpListenerHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running TURN relay (RFC 8656) on UDP, TCP and optionally TLS. Start with {@link #start}; {@link #close} stops it,
 * deleting every allocation. Thread-safe.
 */
public final class TurnServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TurnServer.class);

    private final MultiThreadIoEventLoopGroup group;
    private final TurnEngine engine;
    private final Counters counters;
    private final List<Channel> listeners;
    private final InetSocketAddress udpAddress;
    private final InetSocketAddress tcpAddress;
    private final InetSocketAddress tlsAddress;
    private final List<InetSocketAddress> v6Addresses;
    private final InetSocketAddress dtlsAddress;
    private final String transportName;
    private boolean closed;

    private TurnServer(MultiThreadIoEventLoopGroup group, TurnEngine engine, Counters counters, List<Channel> listeners,
                       InetSocketAddress udpAddress, InetSocketAddress tcpAddress, InetSocketAddress tlsAddress,
                       List<InetSocketAddress> v6Addresses, InetSocketAddress dtlsAddress, String transportName) {
        this.group = group;
        this.engine = engine;
        this.counters = counters;
        this.listeners = listeners;
        this.udpAddress = udpAddress;
        this.tcpAddress = tcpAddress;
        this.tlsAddress = tlsAddress;
        this.v6Addresses = v6Addresses;
        this.dtlsAddress = dtlsAddress;
        this.transportName = transportName;
    }

    /**
     * Binds the listeners and starts relaying. With port 0 the UDP port is chosen by the system and
     * TCP takes the same number when it is free.
     *
     * @throws IOException when a listener cannot be bound (nothing is left open)
     */
    public static TurnServer start(TurnServerConfig config) throws IOException {
        TurnTransport transport = TurnTransport.choose(config.transport());
        MultiThreadIoEventLoopGroup group = transport.newGroup(config.ioThreads());
        Counters counters = new Counters();
        TurnEngine engine = new TurnEngine(config, transport, counters);
        List<Channel> listeners = new ArrayList<>();
        try {
            InetSocketAddress udp = null;
            InetSocketAddress tcp = null;
            InetSocketAddress tls = null;
            int port = config.listen().getPort();
            if (config.udp()) {
                udp = bindUdp(config, transport, group, engine, config.listen(), listeners);
                port = udp.getPort();
            }
            ConnectionLimits limits = new ConnectionLimits(config.maxTcpConnections(), config.maxTcpConnectionsPerIp());
            if (config.tcp()) {
                TcpInitializer init = new TcpInitializer(engine, counters, config.tcpIdleTimeout(), limits, null);
                tcp = config.tcpPort() >= 0
                        ? bindStream(transport, group, init, new InetSocketAddress(config.listen().getAddress(), config.tcpPort()), listeners)
                        : bindTcp(config, transport, group, init, port, listeners);
            }
            if (config.tlsPort() >= 0) {
                TcpInitializer init = new TcpInitializer(engine, counters, config.tcpIdleTimeout(), limits,
                        TlsContexts.server(config.tlsCertificate(), config.tlsKey()));
                tls = bindStream(transport, group, init, new InetSocketAddress(config.listen().getAddress(), config.tlsPort()), listeners);
            }
            InetSocketAddress dtls = null;
            if (config.dtlsPort() >= 0) {
                dtls = bindDtls(config, transport, group, engine, counters,
                        new InetSocketAddress(config.listen().getAddress(), config.dtlsPort()), listeners);
            }
            // IPv6 clients: the same listeners again on listen6, on the same ports.
            InetSocketAddress[] v6 = new InetSocketAddress[3];
            if (config.listen6().isPresent()) {
                InetAddress ip6 = config.listen6().get();
                if (udp != null) {
                    v6[0] = bindUdp(config, transport, group, engine, new InetSocketAddress(ip6, udp.getPort()), listeners);
                }
                if (tcp != null) {
                    v6[1] = bindStream(transport, group, new TcpInitializer(engine, counters, config.tcpIdleTimeout(), limits,
                            null), new InetSocketAddress(ip6, tcp.getPort()), listeners);
                }
                if (tls != null) {
                    v6[2] = bindStream(transport, group, new TcpInitializer(engine, counters, config.tcpIdleTimeout(), limits,
                            TlsContexts.server(config.tlsCertificate(), config.tlsKey())),
                            new InetSocketAddress(ip6, tls.getPort()), listeners);
                }
            }
            Set<InetSocketAddress> own = new HashSet<>();
            for (InetSocketAddress a : new InetSocketAddress[] {udp, tcp, tls, v6[0], v6[1], v6[2], dtls}) {
                if (a != null) {
                    own.add(a);
                }
            }
            engine.ownSockets(config, own);
            List<InetSocketAddress> v6List = java.util.Arrays.asList(v6);
            TurnServer server = new TurnServer(group, engine, counters, List.copyOf(listeners), udp, tcp, tls, v6List,
                    dtls, transport.name());
            LOG.info("TURN relay on UDP {} TCP {} TLS {} DTLS {}{}, relaying from {} ports {}-{} ({}, realm {})", udp, tcp, tls, dtls,
                    config.listen6().isEmpty() ? "" : " IPv6 " + v6List.stream().filter(java.util.Objects::nonNull).toList(),
                    config.relayIps(), config.minPort(),
                    config.maxPort(), transport.name(), config.realm());
            return server;
        } catch (IOException | RuntimeException | Error e) {
            listeners.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        }
    }

    /** With epoll, one SO_REUSEPORT socket per IO thread on the same address; with NIO, one socket. */
    private static InetSocketAddress bindUdp(TurnServerConfig config, TurnTransport transport,
                                             MultiThreadIoEventLoopGroup group, TurnEngine engine,
                                             InetSocketAddress address, List<Channel> out) throws IOException {
        int sockets = transport.reusePort() ? config.ioThreads() : 1;
        for (int i = 0; i < sockets; i++) {
            Channel ch = await(transport.udpListener(group, engine, sockets > 1, address).bind(address), "UDP " + address);
            out.add(ch);
            address = (InetSocketAddress) ch.localAddress();
        }
        return address;
    }

    /** One socket (associations live on its event loop), the TLS listener's certificate. */
    private static InetSocketAddress bindDtls(TurnServerConfig config, TurnTransport transport,
                                              MultiThreadIoEventLoopGroup group, TurnEngine engine, Counters counters,
                                              InetSocketAddress address, List<Channel> out) throws IOException {
        DtlsListenerHandler handler = new DtlsListenerHandler(engine,
                DtlsContexts.server(config.tlsCertificate(), config.tlsKey()), counters, config.maxDtlsAssociations(),
                config.dtlsHandshakeTimeout().toNanos(), config.tcpIdleTimeout().toNanos());
        Channel ch = await(transport.udpListener(group, handler, false, address).bind(address), "DTLS " + address);
        out.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    /** TCP on the UDP port, as RFC 8656 §3.1 suggests (3478 for both). */
    private static InetSocketAddress bindTcp(TurnServerConfig config, TurnTransport transport,
                                             MultiThreadIoEventLoopGroup group, TcpInitializer init,
                                             int port, List<Channel> out) throws IOException {
        InetSocketAddress wanted = new InetSocketAddress(config.listen().getAddress(), port);
        Channel ch;
        try {
            ch = await(transport.tcpListener(group, init, wanted).bind(wanted), "TCP " + wanted);
        } catch (IOException e) {
            if (config.listen().getPort() != 0) {
                throw e;
            }
            // Any port was asked for: the UDP port is taken for TCP by someone else, take another.
            ch = await(transport.tcpListener(group, init, wanted).bind(config.listen()),
                    "TCP " + config.listen());
        }
        out.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    private static InetSocketAddress bindStream(TurnTransport transport, MultiThreadIoEventLoopGroup group,
                                                TcpInitializer init, InetSocketAddress address, List<Channel> out)
            throws IOException {
        Channel ch = await(transport.tcpListener(group, init, address).bind(address), "TCP " + address);
        out.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    private static Channel await(ChannelFuture f, String what) throws IOException {
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind " + what + ": " + f.cause().getMessage(), f.cause());
        }
        return f.channel();
    }

    /** The UDP listener's address, or null when UDP is disabled. */
    public InetSocketAddress udpAddress() {
        return udpAddress;
    }

    /** The TCP listener's address, or null when TCP is disabled. */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /** The TLS listener's address ({@code turns:}), or null when TLS is not configured. */
    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    /** The UDP listener on {@code listen6} (IPv6 clients), or null without one. */
    public InetSocketAddress udpAddress6() {
        return v6Addresses.get(0);
    }

    /** The TCP listener on {@code listen6}, or null without one. */
    public InetSocketAddress tcpAddress6() {
        return v6Addresses.get(1);
    }

    /** The TLS listener on {@code listen6}, or null without one. */
    public InetSocketAddress tlsAddress6() {
        return v6Addresses.get(2);
    }

    /** The DTLS listener's address ({@code turns:} over UDP), or null when DTLS is not configured. */
    public InetSocketAddress dtlsAddress() {
        return dtlsAddress;
    }

    /** DTLS associations held now, handshaking or established. */
    public int dtlsAssociations() {
        return counters.dtlsAssociations();
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transportName;
    }

    public TurnServerStats stats() {
        return counters.snapshot();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.shutdown();
        listeners.forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
