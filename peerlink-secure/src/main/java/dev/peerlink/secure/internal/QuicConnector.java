package dev.peerlink.secure.internal;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureHandshakeException;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Builds QUIC sessions on Netty: codec on a datagram channel, pinned TLS contexts, handshake bookkeeping. */
public final class QuicConnector implements AutoCloseable {
    public static final String ALPN = "peerlink/1";
    /**
     * Largest UDP payload we send: a 1500-byte IPv6 path without encapsulation. PMTU discovery ({@link #PMTUD}) keeps
     * it safe: quiche sends at a conservative size until a probe of the larger one is acknowledged, so a smaller path
     * (a TURN leg with ChannelData's 4 bytes over IPv6, a tunnel) settles lower instead of black-holing.
     */
    public static final int MAX_UDP_PAYLOAD = 1452;
    static final boolean PMTUD = true;

    /**
     * Test hook: "DIRECT_ED25519" makes QUIC present the raw Ed25519 certificate (and offer the ed25519 signature
     * algorithm), to show what BoringSSL does with it. Not for production.
     */
    static final String CERT_MODE_PROPERTY = "peerlink.secure.quicCertMode";

    /**
     * No Retry round trip: address validation buys nothing here (one expected peer per socket, refused at the TLS
     * pin), and a Retry would cost an extra round trip on every setup.
     */
    private static final io.netty.handler.codec.quic.QuicTokenHandler NO_RETRY = new io.netty.handler.codec.quic.QuicTokenHandler() {
        @Override
        public boolean writeToken(io.netty.buffer.ByteBuf out, io.netty.buffer.ByteBuf dcid, InetSocketAddress address) {
            return false;
        }

        @Override
        public int validateToken(io.netty.buffer.ByteBuf token, InetSocketAddress address) {
            return 0;
        }

        @Override
        public int maxTokenLength() {
            return 0;
        }
    };

    /** Benchmark hook: RENO, CUBIC or BBR instead of {@link #CONGESTION_CONTROL}. */
    static final String CC_PROPERTY = "peerlink.secure.quicCongestionControl";
    static final String PAYLOAD_PROPERTY = "peerlink.secure.quicMaxPayload";
    static final String PMTUD_PROPERTY = "peerlink.secure.quicPmtud";
    static final QuicCongestionControlAlgorithm CONGESTION_CONTROL = QuicCongestionControlAlgorithm.BBR;

    private final QuicUdp sockets;
    private final EventLoopGroup group;

    public QuicConnector(int threads) {
        this.sockets = QuicUdp.choose();
        this.group = sockets.newGroup(threads);
    }

    /** "epoll+gso", "epoll" or "nio": what this connector's sockets run on (diagnostics, benchmarks). */
    public String udpTransport() {
        return sockets.epoll() ? (sockets.gso() != SegmentedDatagramPacketAllocator.NONE ? "epoll+gso" : "epoll") : "nio";
    }

    private static TlsCredentials.Mode certMode() {
        return TlsCredentials.Mode.valueOf(System.getProperty(CERT_MODE_PROPERTY, "BOUND_P256"));
    }

    static QuicSslContext sslContext(DeviceIdentity self, PinnedTrustManager tm, boolean server) {
        TlsCredentials.Mode mode = certMode();
        SingleKeyManager km = new SingleKeyManager(TlsCredentials.create(self, mode), true);
        QuicSslContextBuilder b = server
                ? QuicSslContextBuilder.forServer(km, null).clientAuth(ClientAuth.REQUIRE)
                : QuicSslContextBuilder.forClient().keyManager(km, null);
        b.trustManager(tm).applicationProtocols(ALPN).earlyData(false);
        if (mode == TlsCredentials.Mode.DIRECT_ED25519 && !Boolean.getBoolean("peerlink.secure.quicDefaultSigalgs")) {
            b.option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"});
        }
        return b.build();
    }

    private static <B extends QuicCodecBuilder<B>> B configure(B b, SessionConfig c) {
        return b.maxIdleTimeout(c.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(c.connectionWindow())
                .initialMaxStreamDataBidirectionalLocal(c.streamWindow())
                .initialMaxStreamDataBidirectionalRemote(c.streamWindow())
                .initialMaxStreamsBidirectional(c.maxStreams())
                .initialMaxStreamsUnidirectional(0)
                .congestionControlAlgorithm(QuicCongestionControlAlgorithm.valueOf(
                        System.getProperty(CC_PROPERTY, CONGESTION_CONTROL.name())))
                .maxSendUdpPayloadSize(Integer.getInteger(PAYLOAD_PROPERTY, MAX_UDP_PAYLOAD))
                .discoverPmtu(Boolean.parseBoolean(System.getProperty(PMTUD_PROPERTY, String.valueOf(PMTUD))))
                .maxRecvUdpPayloadSize(65_527)
                .datagram(1024, 1024);
    }

    /** Registers the given socket with Netty (its local address stays the one the ladder bound). */
    private Channel register(DatagramChannel socket, ChannelHandler codec) throws IOException {
        return sockets.register(group, socket, codec);
    }

    /** How QUIC's codec gets its datagram channel: a ladder socket taken over, or a channel already open. */
    private interface Attach {
        Channel attach(ChannelHandler codec) throws IOException;

        /** Setup failed before the channel was QUIC's: release what we were given. */
        void abandon();
    }

    private Attach takeOver(DatagramChannel socket) {
        return new Attach() {
            @Override
            public Channel attach(ChannelHandler codec) throws IOException {
                return register(socket, codec);
            }

            @Override
            public void abandon() {
                closeQuietly(socket);
            }
        };
    }

    private static Attach join(Channel udp) {
        return new Attach() {
            @Override
            public Channel attach(ChannelHandler codec) throws IOException {
                // Added on the loop and awaited: added from another thread, the codec only takes part once its
                // handlerAdded task has run, and a datagram read before that (a fast peer's Initial) would pass it by.
                if (udp.eventLoop().inEventLoop()) {
                    udp.pipeline().addLast("quic", codec);
                    return udp;
                }
                try {
                    udp.eventLoop().submit(() -> udp.pipeline().addLast("quic", codec)).get(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while joining the QUIC codec", e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException("could not join the QUIC codec to " + udp, e);
                }
                return udp;
            }

            @Override
            public void abandon() {
                udp.close();
            }
        };
    }

    /**
     * A UDP channel on this connector's event loop, bound to {@code local}, with {@code first} as its pipeline; QUIC
     * joins it behind {@code first} with the {@code Channel} flavours of {@link #connect} and {@link #accept}.
     */
    public Channel openUdp(InetSocketAddress local, ChannelHandler first) throws IOException {
        return sockets.open(group, local, first);
    }

    public CompletableFuture<SecureSession> connect(DatagramChannel socket, InetSocketAddress remote,
                                                    DeviceIdentity self, PeerIdentity expected, SessionConfig config) {
        return connect(takeOver(socket), remote, self, expected, config);
    }

    /** Over a channel from {@link #openUdp}: QUIC's codec goes last in its pipeline. */
    public CompletableFuture<SecureSession> connect(Channel udpChannel, InetSocketAddress remote,
                                                    DeviceIdentity self, PeerIdentity expected, SessionConfig config) {
        return connect(join(udpChannel), remote, self, expected, config);
    }

    private CompletableFuture<SecureSession> connect(Attach attach, InetSocketAddress remote,
                                                     DeviceIdentity self, PeerIdentity expected, SessionConfig config) {
        CompletableFuture<SecureSession> result = new CompletableFuture<>();
        PinnedTrustManager tm = new PinnedTrustManager(expected);
        Channel udp;
        try {
            ChannelHandler codec = configure(new QuicClientCodecBuilder(), config)
                    .sslContext(sslContext(self, tm, false)).build();
            udp = attach.attach(codec);
        } catch (IOException | RuntimeException e) {
            attach.abandon();
            result.completeExceptionally(new SecureHandshakeException("cannot start QUIC: " + e, e, false));
            return result;
        }
        QuicSecureSession session = new QuicSecureSession(udp, expected, config, true);
        QuicChannel.newBootstrap(udp)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, sockets.gso())
                .handler(session.connectionHandler())
                .streamHandler(QuicSecureSession.streamInitializer(true))
                .remoteAddress(remote)
                .connect()
                .addListener(f -> {
                    if (!f.isSuccess() && !session.handshake.isDone()) {
                        session.handshake.completeExceptionally(f.cause());
                    }
                });
        finish(session, udp, tm, config, result);
        return result;
    }

    public CompletableFuture<SecureSession> accept(DatagramChannel socket, DeviceIdentity self,
                                                   PeerIdentity expected, SessionConfig config) {
        return accept(takeOver(socket), self, expected, config);
    }

    /** Over a channel from {@link #openUdp}: QUIC's codec goes last in its pipeline. */
    public CompletableFuture<SecureSession> accept(Channel udpChannel, DeviceIdentity self,
                                                   PeerIdentity expected, SessionConfig config) {
        return accept(join(udpChannel), self, expected, config);
    }

    private CompletableFuture<SecureSession> accept(Attach attach, DeviceIdentity self,
                                                    PeerIdentity expected, SessionConfig config) {
        CompletableFuture<SecureSession> result = new CompletableFuture<>();
        PinnedTrustManager tm = new PinnedTrustManager(expected);
        AtomicBoolean taken = new AtomicBoolean();
        Channel[] udpRef = new Channel[1];
        Throwable[] lastError = new Throwable[1];
        ChannelHandler perConnection = new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                QuicChannel q = (QuicChannel) ctx.channel();
                if (result.isDone()) {
                    q.close(); // one session per socket; later connection attempts are refused
                    return;
                }
                // the UDP channel is the connection's parent; udpRef[0] may not be set yet when the peer's first
                // packet beats register() returning (seen: a session with no socket, NPE on close)
                Channel udp = q.parent() != null ? q.parent() : udpRef[0];
                QuicSecureSession session = new QuicSecureSession(udp, expected, config, false);
                q.pipeline().replace(this, "session", session.connectionHandler());
                session.handshake.whenComplete((s, err) -> {
                    if (err == null && taken.compareAndSet(false, true)) {
                        result.complete(s);
                    } else if (err == null) {
                        s.close();
                    }
                    // a failed handshake (wrong peer) leaves the wait running; the timeout reports it
                    if (err != null) {
                        lastError[0] = err;
                    }
                });
            }
        };
        ChannelHandler codec;
        try {
            codec = configure(new QuicServerCodecBuilder(), config)
                    .sslContext(sslContext(self, tm, true))
                    .tokenHandler(NO_RETRY)
                    .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, sockets.gso())
                    .handler(perConnection)
                    .streamHandler(QuicSecureSession.streamInitializer(true))
                    .build();
            udpRef[0] = attach.attach(codec);
        } catch (IOException | RuntimeException e) {
            attach.abandon();
            result.completeExceptionally(new SecureHandshakeException("cannot start QUIC: " + e, e, false));
            return result;
        }
        Channel udp = udpRef[0];
        udp.eventLoop().schedule(() -> {
            if (!result.isDone()) {
                PinnedTrustManager.PinMismatchException last = tm.lastFailure();
                Throwable other = lastError[0];
                result.completeExceptionally(new SecureHandshakeException(
                        last != null ? "no handshake from the pinned peer; refused: " + last.getMessage()
                                : "no QUIC handshake from the pinned peer within " + config.handshakeTimeout()
                                + (other != null ? "; last failure: " + other : ""),
                        last != null ? last : other, last != null));
                udp.close();
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    private static void finish(QuicSecureSession session, Channel udp, PinnedTrustManager tm, SessionConfig config,
                               CompletableFuture<SecureSession> result) {
        io.netty.util.concurrent.ScheduledFuture<?> timeout = udp.eventLoop().schedule(() -> {
            session.handshake.completeExceptionally(new IOException("QUIC handshake timed out after "
                    + config.handshakeTimeout()));
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        session.handshake.whenComplete((s, err) -> {
            timeout.cancel(false);
            if (err == null) {
                result.complete(s);
                return;
            }
            udp.close();
            PinnedTrustManager.PinMismatchException local = tm.lastFailure();
            QuicConnectionCloseEvent peerClose = session.peerCloseEvent();
            // we accepted the pinned peer, then it closed the handshake (or sent a certificate alert): it refused us
            boolean refusedByPeer = tm.accepted() || peerClose != null && peerClose.isTlsError()
                    && isCertificateAlert(QuicConnectionCloseEvent.extractTlsError(peerClose.error()));
            String msg = local != null ? "peer is not the pinned device: " + local.getMessage()
                    : refusedByPeer ? "the pinned peer refused our identity" + (peerClose != null && peerClose.isTlsError()
                            ? " (TLS alert " + QuicConnectionCloseEvent.extractTlsError(peerClose.error()) + ")" : "")
                    : "QUIC handshake failed: " + err;
            result.completeExceptionally(new SecureHandshakeException(msg, local != null ? local : err,
                    local != null || refusedByPeer));
        });
    }

    /** TLS alerts that mean "your certificate is not acceptable". */
    static boolean isCertificateAlert(int alert) {
        return alert == 42 || alert == 43 || alert == 44 || alert == 45 || alert == 46 || alert == 48
                || alert == 49 || alert == 51 || alert == 116;
    }

    private static void closeQuietly(DatagramChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
