package dev.peerlink.server.signal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.cluster.ClusterSeams;
import dev.peerlink.server.cluster.DeviceRegistry;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.monitor.NetProber;
import dev.peerlink.server.signal.internal.Broker;
import dev.peerlink.server.signal.internal.ConnectionLimit;
import dev.peerlink.server.signal.internal.DeviceStore;
import dev.peerlink.server.signal.internal.IdleSweeper;
import dev.peerlink.server.signal.internal.SignalChannelHandler;
import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.server.share.internal.ShareMaps;
import dev.peerlink.server.transfer.internal.TransferRoute;
import dev.peerlink.server.transfer.internal.TransferService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling service: WebSocket (wss with a certificate) at {@value SignalServerConfig#PATH},
 * protocol v1 (docs/protocol.md), registry in SQLite. {@code stun} and {@code relayGrants} say what
 * the {@code registered} answer tells each device about the server's STUN and TURN relay.
 */
public final class SignalServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalServer.class);

    private final MultiThreadIoEventLoopGroup group;
    private final Channel listener;
    private final Broker broker;
    private final DeviceRegistry store;
    private final ScheduledExecutorService sweeper;
    private final boolean tls;
    private final ConnectionLimit connections;
    private MappingMonitor monitor;
    private TransferService transfer;
    private ShareService share;
    private AtomicInteger transferConnections = new AtomicInteger();
    private NetProber prober;
    private LadderReports ladderReports;

    private SignalServer(MultiThreadIoEventLoopGroup group, Channel listener, Broker broker, DeviceRegistry store, boolean tls,
                         ConnectionLimit connections) {
        this.group = group;
        this.connections = connections;
        this.listener = listener;
        this.broker = broker;
        this.store = store;
        this.tls = tls;
        this.sweeper = group.next();
    }

    public static SignalServer start(SignalServerConfig config, List<String> stun,
                                     Function<DeviceId, Optional<RelayGrant>> relayGrants) throws IOException, InterruptedException {
        return start(config, stun, relayGrants, ClusterSeams.local());
    }

    /** As {@link #start(SignalServerConfig, List, Function)}, as one instance of a cluster when {@code seams} say so. */
    public static SignalServer start(SignalServerConfig config, List<String> stun, Function<DeviceId, Optional<RelayGrant>> relayGrants,
                                     ClusterSeams seams) throws IOException, InterruptedException {
        SslContext ssl = null;
        if (config.tls().isPresent()) {
            try {
                ssl = SslContextBuilder.forServer(config.tls().get().certificateChain().toFile(),
                        config.tls().get().privateKey().toFile()).build();
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot load TLS certificate/key: " + e.getMessage(), e);
            }
        }
        DeviceRegistry store;
        Broker broker;
        try {
            store = seams.registry().isPresent() ? seams.registry().get() : DeviceStore.open(config.dataDir().orElse(null));
        } catch (SQLException e) {
            throw new IOException("cannot open registry: " + e.getMessage(), e);
        }
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        String serverId = seams.clustered() ? seams.instanceId() : "peerlink-" + HexFormat.of().formatHex(id);
        try {
            broker = new Broker(config, store, stun, relayGrants, System::currentTimeMillis, serverId, seams);
        } catch (SQLException e) {
            store.close();
            throw new IOException("cannot load registry: " + e.getMessage(), e);
        }
        LadderReports ladderReports = new LadderReports(config.meters()); // attached before the first connection
        broker.attachLadderReports(ladderReports);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("signal-io", true), factory);
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        SignallingCodec codec = config.limits().maxFrameBytes() == SignallingCodec.DEFAULT_MAX_BYTES
                ? SignallingCodec.standard() : new SignallingCodec(config.limits().maxFrameBytes(), SignallingCodec.DEFAULT_MAX_DEPTH);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(SignalServerConfig.PATH)
                .checkStartsWith(false)
                .handshakeTimeoutMillis(config.registerTimeout().toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.limits().maxFrameBytes())
                        .allowExtensions(false)
                        .build())
                .build();
        long idleMs = config.heartbeat().toMillis() * config.missedHeartbeats();
        ConnectionLimit connections = new ConnectionLimit(config.maxConnections() > 0 ? config.maxConnections()
                : ConnectionLimit.fromFileLimit(), System::currentTimeMillis);
        IdleSweeper idle = new IdleSweeper(idleMs);
        SslContext sslContext = ssl;
        TransferService transferService;
        try {
            transferService = config.transfer().isEmpty() ? null : TransferService.start(config.transfer().get(),
                    registry(broker), broker.serverId(), group.next());
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            store.close();
            throw new IOException("cannot start the transfer service: " + e.getMessage(), e);
        }
        ShareService shareService;
        try {
            shareService = config.share().isEmpty() ? null : startShare(seams.qos().map(config.share().get()::withSharedQos).orElse(config.share().get()), config.dataDir().orElse(null),
                    broker, group.next(), seams.providers().orElseGet(ProviderRegistry::new));
        } catch (IOException | RuntimeException e) {
            if (transferService != null) {
                transferService.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            store.close();
            throw new IOException("cannot start the sharing service: " + e.getMessage(), e);
        }
        if (transferService != null) {
            TransferService t = transferService;
            broker.onRegistered(device -> t.deviceOnline(device.value()));
        }
        AtomicInteger transferConnections = new AtomicInteger();
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(channelClass)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .handler(connections.acceptErrorHandler())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            if (!connections.admit(c)) {
                                return;
                            }
                            ChannelPipeline p = c.pipeline();
                            if (sslContext != null) {
                                p.addLast(sslContext.newHandler(c.alloc()));
                            }
                            p.addLast(new HttpServerCodec(4096, 8192, 8192));
                            p.addLast(new HttpObjectAggregator(8192));
                            if (transferService != null) {
                                p.addLast("transfer-route", new TransferRoute(transferService, transferConnections));
                            }
                            p.addLast(SIGNAL_HANDLERS.get(0), new WebSocketServerProtocolHandler(ws));
                            p.addLast(SIGNAL_HANDLERS.get(1), new WebSocketFrameAggregator(config.limits().maxFrameBytes()));
                            p.addLast(SIGNAL_HANDLERS.get(2), new SignalChannelHandler(broker, codec, config.limits().messagesPerSecond(),
                                    config.limits().burst(), config.registerTimeout().toMillis(), idle));
                        }
                    })
                    .bind(config.listen()).sync().channel();
            SignalServer server = new SignalServer(group, ch, broker, store, ssl != null, connections);
            server.transfer = transferService;
            server.share = shareService;
            server.transferConnections = transferConnections;
            server.ladderReports = ladderReports;
            long sweepMs = Math.max(100, Math.min(1000, config.answerTimeout().toMillis() / 4));
            server.sweeper.scheduleWithFixedDelay(() -> {
                try {
                    broker.sweep();
                } catch (RuntimeException e) {
                    LOG.warn("session sweep failed", e);
                }
            }, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
            server.sweeper.scheduleWithFixedDelay(() -> {
                try {
                    idle.sweep(System.nanoTime());
                } catch (RuntimeException e) {
                    LOG.warn("idle sweep failed", e);
                }
            }, idle.periodMillis(), idle.periodMillis(), TimeUnit.MILLISECONDS);
            if (config.mappingMonitor().isPresent()) {
                var mc = config.mappingMonitor().get();
                server.prober = new NetProber(server.sweeper, mc.probeTimeout(), 256);
                server.monitor = new MappingMonitor(mc, server.prober, broker::sendTo, System::currentTimeMillis);
                broker.attachMonitor(server.monitor);
                server.monitor.start(group.next());
                LOG.info("mapping monitor: probe interval {} ms, probes from UDP port {}", mc.interval().toMillis(),
                        server.prober.udpPort());
            }
            dev.peerlink.server.admin.internal.SignalMeters.bind(config.meters(), server);
            InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
            LOG.info("signalling on {}://{}:{}{} ({}, at most {} connections)", ssl != null ? "wss" : "ws",
                    bound.getAddress().getHostAddress(), bound.getPort(), SignalServerConfig.PATH, epoll ? "epoll" : "nio",
                    connections.max());
            return server;
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            closeQuietly(transferService);
            store.close();
            throw e;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            closeQuietly(transferService);
            store.close();
            throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
    }

    private static final List<String> SIGNAL_HANDLERS = List.of("signal-ws", "signal-aggregator", "signal");

    private static void closeQuietly(TransferService t) {
        if (t != null) {
            t.close();
        }
    }

    /** The registry as the transfer endpoint sees it: key checks (binding new devices on first use) and lookups. */
    private static TransferService.Registry registry(Broker broker) {
        return new TransferService.Registry() {
            @Override
            public String checkKey(String device, String key) {
                return switch (broker.authenticateKey(new DeviceId(device), key)) {
                    case MATCH, BOUND -> null;
                    case MISMATCH -> "key-mismatch";
                    case ENROLL_REQUIRED -> "enroll-required";
                    case UNAVAILABLE -> "internal";
                };
            }

            @Override
            public boolean online(String device) {
                try {
                    return broker.isOnline(new DeviceId(device));
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }

            @Override
            public boolean announce(String device, dev.peerlink.protocol.Message.Delivery notice) {
                try {
                    return broker.sendTo(new DeviceId(device), notice);
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }

            @Override
            public boolean knows(String device) {
                try {
                    return broker.knows(new DeviceId(device));
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        };
    }

    private static ShareService startShare(ShareConfig sc, java.nio.file.Path dataDir, Broker broker,
                                           java.util.concurrent.ScheduledExecutorService scheduler, ProviderRegistry providers)
            throws IOException {
        ShareMaps maps = ShareMaps.open(dataDir, sc);
        ShareService s = new ShareService(sc, providers, maps, new ShareService.Devices() {
            @Override
            public boolean isOnline(DeviceId device) {
                return broker.isOnline(device);
            }

            @Override
            public boolean send(DeviceId device, dev.peerlink.protocol.Message m) {
                return broker.sendTo(device, m);
            }

            @Override
            public String publicKey(DeviceId device) {
                return broker.publicKeyOf(device);
            }
        }, new ShareService.Instances() {
            @Override
            public String self() {
                return broker.instanceId();
            }

            @Override
            public boolean forward(String instance, DeviceId provider, dev.peerlink.protocol.Message.Share answer) {
                return broker.forwardShareAnswer(instance, provider, answer);
            }
        }, scheduler, System::currentTimeMillis);
        broker.attachShare(s);
        String where = dataDir == null ? "memory" : dataDir.resolve(ShareMaps.FILE).toString();
        LOG.info("network sharing on (QoS map {}, radio map in {})",
                sc.sharedQos().map(q -> "shared in " + q.getClass().getSimpleName()).orElse("in " + where), where);
        return s;
    }

    /** The sharing service (docs/sharing.md), when configured. */
    public Optional<ShareService> share() {
        return Optional.ofNullable(share);
    }

    /** The transfer service, when configured. */
    public Optional<TransferService> transfer() {
        return Optional.ofNullable(transfer);
    }

    /** {@code ws://ip:port/v1/transfer} (or wss). */
    public String transferUrl() {
        return url().replace(SignalServerConfig.PATH, dev.peerlink.transfer.client.TransferClient.PATH);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** {@code ws://ip:port/v1/signal} or {@code wss://...}. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return (tls ? "wss://" : "ws://") + host + ":" + a.getPort() + SignalServerConfig.PATH;
    }

    /** The mapping monitor (health of reported port mappings), when enabled. */
    public Optional<MappingMonitor> mappingMonitor() {
        return Optional.ofNullable(monitor);
    }

    /** Registrations and connects counted since start. */
    public SignalStats stats() {
        return broker.stats();
    }

    /** Online devices by the NAT type they report ({@code "unknown"} when none). */
    public java.util.Map<String, Integer> natMix() {
        return broker.natMix();
    }

    public int onlineDevices() {
        return broker.onlineCount();
    }

    public int registeredDevices() {
        return broker.deviceCount();
    }

    /** Connections the server accepts at most (beyond them new ones are closed at once); see {@link SignalServerConfig#maxConnections()}. */
    public int maxConnections() {
        return connections.max();
    }

    /** Open WebSocket/HTTP connections (registered or not). */
    public int openConnections() {
        return connections.open();
    }

    /** Open transfer connections ({@code /v1/transfer}); part of {@link #openConnections()}. */
    public int openTransferConnections() {
        return transferConnections.get();
    }

    /** Connections closed at once because the server was at {@link #maxConnections()}. */
    public long refusedConnections() {
        return connections.refused();
    }

    /** Ladder outcomes and setup times by path, as the initiating devices reported them. */
    public LadderReports ladderReports() {
        return ladderReports;
    }

    public int liveSessions() {
        return broker.sessionCount();
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
            prober.close();
        }
        listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        closeQuietly(transfer);
        if (share != null) {
            share.close();
        }
        store.close();
    }
}
