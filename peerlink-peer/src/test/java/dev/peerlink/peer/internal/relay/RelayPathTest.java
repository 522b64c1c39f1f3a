package dev.peerlink.peer.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.secure.CloseReason;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TurnTimeoutException;
import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayPathTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final TurnCredentials CREDS = TurnCredentials.of("alice", "wonderland");
    private static final QuicTransport QUIC = new QuicTransport(2);
    private static final SessionConfig FAST = SessionConfig.defaults().withIdleTimeout(Duration.ofMillis(500), Duration.ofSeconds(2))
            .withWindows(4 << 20, 16L << 20);

    private final DeviceIdentity p = DeviceIdentity.generate();
    private final DeviceIdentity r = DeviceIdentity.generate();
    private TurnServer server;
    private RelayPath relay;

    @BeforeEach
    void startServer() throws IOException {
        server = startServer(new InetSocketAddress(LOOPBACK, 0), b -> { });
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        server.close();
    }

    @AfterAll
    static void closeTransport() {
        QUIC.close();
    }

    static TurnServer startServer(InetSocketAddress listen, Consumer<TurnServerConfig.Builder> tweak) throws IOException {
        TurnServerConfig.Builder b = TurnServerConfig.builder().listen(listen).relayIp(LOOPBACK).tcp(false)
                .realm("peerlink.test").user("alice", "wonderland").allowPeer("127.0.0.0/8").ioThreads(1);
        tweak.accept(b);
        return TurnServer.start(b.build());
    }

    /** P is a plain socket and the QUIC client; R allocates, permits P's IP and accepts. */
    record Sessions(SecureSession p, SecureSession r) {}

    private Sessions pClientRServer(SessionConfig config) throws Exception {
        relay = RelayPath.open(QUIC, new RelayGrant(List.of(Endpoints.format(server.udpAddress())), "alice", "wonderland", 600),
                Duration.ofSeconds(5));
        relay.permit(LOOPBACK); // P's public IP, as its STUN-reported address would say
        CompletableFuture<SecureSession> rs = QUIC.accept(relay.quicChannel(), r, p.publicIdentity(), config);
        CompletableFuture<SecureSession> ps = QUIC.connect(plainSocket(LOOPBACK), relay.relayedAddress(), p,
                r.publicIdentity(), config);
        return new Sessions(ps.get(20, TimeUnit.SECONDS), rs.get(20, TimeUnit.SECONDS));
    }

    @Test
    void quicSessionThroughTheRelayMovesTenMegabytesEachWayAndDatagrams() throws Exception {
        Sessions s = pClientRServer(FAST.withIdleTimeout(Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(relay.peer().getAddress()).isEqualTo(LOOPBACK);
        byte[] up = random(10 << 20, 1);
        byte[] down = random(10 << 20, 2);
        CompletableFuture<byte[]> rGot = new CompletableFuture<>();
        s.r().onStream(st -> {
            try {
                Thread w = Thread.ofVirtual().start(() -> writeAndFin(st.output(), down));
                rGot.complete(st.input().readAllBytes());
                w.join();
            } catch (Exception e) {
                rGot.completeExceptionally(e);
            }
        });
        long t0 = System.nanoTime();
        SecureStream st = s.p().openStream();
        Thread w = Thread.ofVirtual().start(() -> writeAndFin(st.output(), up));
        // bounded: a stalled stream must fail this test, not hang the build (a CI run once stalled here for 13 min)
        byte[] pGot = CompletableFuture.supplyAsync(() -> {
            try {
                return st.input().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r)).get(120, TimeUnit.SECONDS);
        byte[] rBytes = rGot.get(60, TimeUnit.SECONDS);
        w.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(sha256(rBytes)).isEqualTo(sha256(up));
        assertThat(sha256(pGot)).isEqualTo(sha256(down));
        RelayPath.Stats stats = relay.stats();
        System.out.printf("[relay] 10 MiB each way at once through TURN in %.2f s: %.1f MB/s each way, %.1f MB/s total;"
                        + " %s%n", secs, 10.49 / secs, 20.97 / secs, stats);
        assertThat(stats.bytesToPeer()).isGreaterThan(10 << 20);
        assertThat(stats.bytesFromPeer()).isGreaterThan(10 << 20);
        assertThat(stats.dropped()).isZero();
        assertThat(relay.channel()).as("ChannelData once the peer is learned").isPresent();
        assertThat(server.stats().channelsActive()).isEqualTo(1);

        ConcurrentLinkedQueue<String> atR = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> atP = new ConcurrentLinkedQueue<>();
        s.r().onDatagram(d -> atR.add(new String(d, StandardCharsets.UTF_8)));
        s.p().onDatagram(d -> atP.add(new String(d, StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            s.p().sendDatagram("hello relay".getBytes(StandardCharsets.UTF_8));
            s.r().sendDatagram("and back".getBytes(StandardCharsets.UTF_8));
            return atR.contains("hello relay") && atP.contains("and back");
        });
        s.p().close();
        s.r().close();
    }

    @Test
    void relaySideIsQuicClientWhenThePeerAddressIsKnown() throws Exception {
        relay = RelayPath.open(QUIC, server.udpAddress(), CREDS, Duration.ofSeconds(5));
        DatagramChannel plain = plainSocket(LOOPBACK);
        InetSocketAddress plainAddress = (InetSocketAddress) plain.getLocalAddress(); // accept takes the socket over
        relay.peer(plainAddress);
        CompletableFuture<SecureSession> ps = QUIC.accept(plain, p, r.publicIdentity(), FAST);
        CompletableFuture<SecureSession> rs = QUIC.connect(relay.quicChannel(), relay.quicRemote(), r,
                p.publicIdentity(), FAST);
        SecureSession rSession = rs.get(20, TimeUnit.SECONDS);
        SecureSession pSession = ps.get(20, TimeUnit.SECONDS);
        echoStreams(pSession);
        byte[] msg = random(300_000, 3);
        SecureStream st = rSession.openStream();
        writeAndFin(st.output(), msg);
        assertThat(sha256(st.input().readAllBytes())).isEqualTo(sha256(msg));
        assertThat(relay.stats().packetsFromPeer()).isPositive();
        assertThat(relay.channel()).as("bound by peer(), before any data").isPresent();
        assertThat(relay.peer()).isEqualTo(plainAddress);
        rSession.close();
        pSession.close();
    }

    @Test
    void stoppingTheTurnServerMidTransferEndsBothSessionsAndThePath() throws Exception {
        // The path's silence timeout well inside the sessions' idle timeout: with both at 2 s, a session idling out
        // first closed the path itself (LOCAL_CLOSE, not RELAY_SILENT) when the watchdog ran late on a loaded machine.
        Sessions s = pClientRServer(FAST.withIdleTimeout(Duration.ofMillis(500), Duration.ofSeconds(4)));
        relay.silenceTimeout(Duration.ofSeconds(2));
        AtomicReference<CloseReason> pSaw = new AtomicReference<>();
        AtomicReference<CloseReason> rSaw = new AtomicReference<>();
        s.p().addListener((x, why, cause) -> pSaw.set(why));
        s.r().addListener((x, why, cause) -> rSaw.set(why));
        s.r().onStream(st -> {
            try {
                st.input().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the session ends under us: expected
            }
        });
        SecureStream st = s.p().openStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (true) {
                    st.output().write(chunk);
                }
            } catch (IOException expected) {
                // the session closed
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().bytesFromPeer() > (1 << 20));
        long stoppedAt = System.nanoTime();
        server.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> pSaw.get() != null && rSaw.get() != null && relay.isClosed());
        double took = (System.nanoTime() - stoppedAt) / 1e9;
        System.out.printf("[relay] TURN server stopped: sessions %s/%s and path closed within %.2f s%n",
                pSaw.get(), rSaw.get(), took);
        assertThat(pSaw.get()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(rSaw.get()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(relay.closeFuture().getNow(null)).isEqualTo(RelayPath.CloseReason.RELAY_SILENT);
        assertThat(relay.isForwarding()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !relay.quicChannel().isOpen()); // the ended session's
        writer.join(Duration.ofSeconds(5));
        assertThat(writer.isAlive()).as("writer unblocked").isFalse();
        relay.close(); // idempotent after a self-close
    }

    @Test
    void closingThePathEndsBothSessionsByTheirIdleTimeout() throws Exception {
        Sessions s = pClientRServer(FAST);
        AtomicReference<CloseReason> pSaw = new AtomicReference<>();
        AtomicReference<CloseReason> rSaw = new AtomicReference<>();
        s.p().addListener((x, why, cause) -> pSaw.set(why));
        s.r().addListener((x, why, cause) -> rSaw.set(why));
        long t0 = System.nanoTime();
        relay.close(); // what a TurnClient failure or a silent relay also does, with the relay itself still working
        assertThat(relay.closeFuture().getNow(null)).isEqualTo(RelayPath.CloseReason.LOCAL_CLOSE);
        await().atMost(Duration.ofSeconds(5)).until(() -> pSaw.get() != null && rSaw.get() != null);
        System.out.printf("[relay] path closed: sessions %s/%s after %.2f s (idle timeout 2 s)%n",
                pSaw.get(), rSaw.get(), (System.nanoTime() - t0) / 1e9);
        assertThat(rSaw.get()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(pSaw.get()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        relay.close();
    }

    @Test
    void theSessionClosingItsSocketDeallocatesThePath() throws Exception {
        Sessions s = pClientRServer(FAST);
        assertThat(server.stats().allocationsActive()).isEqualTo(1);
        s.r().close(); // closes the relay socket: the path deallocates through it first
        assertThat(relay.closeFuture().get(5, TimeUnit.SECONDS)).isEqualTo(RelayPath.CloseReason.LOCAL_CLOSE);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().allocationsActive() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> !relay.quicChannel().isOpen());
        s.p().close();
    }

    @Test
    void turnFailureClosesThePath() throws Exception {
        // The server forgets the allocation (a restart on the same port); the refresh fails and TurnClient reports it.
        server.close();
        server = startServer(new InetSocketAddress(LOOPBACK, 0),
                b -> b.allocationLifetimes(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        InetSocketAddress at = server.udpAddress();
        relay = RelayPath.open(QUIC, at, CREDS, Duration.ofSeconds(5));
        relay.permit(LOOPBACK);
        server.close();
        server = startServer(at, b -> { });
        assertThat(relay.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(RelayPath.CloseReason.RELAY_FAILED);
        assertThat(relay.isForwarding()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !relay.quicChannel().isOpen()); // no QUIC held it
    }

    @Test
    void onlyPermittedIpsReachQuicAndTheLatestPortOfThePeerWins() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2");
        DatagramChannel stranger;
        try {
            stranger = plainSocket(other);
        } catch (IOException e) {
            assumeTrue(false, "cannot bind 127.0.0.2: " + e);
            return;
        }
        relay = RelayPath.open(QUIC, server.udpAddress(), CREDS, Duration.ofSeconds(5));
        relay.permit(LOOPBACK);
        RawQuic quic = new RawQuic(relay); // stands in for QUIC behind the framing
        DatagramChannel friend = plainSocket(LOOPBACK);
        try (stranger; friend) {
            for (int i = 0; i < 3; i++) {
                send(stranger, "stranger", relay.relayedAddress());
            }
            send(friend, "friend", relay.relayedAddress());
            // one relayed socket, one queue: had the stranger's datagrams been relayed, they would come first
            assertThat(quic.receive()).isEqualTo("friend");
            assertThat(relay.peer()).isEqualTo(friend.getLocalAddress());
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.stats().packetsFromPeer() == 1);
            assertThat(relay.stats().packetsFromPeer()).isEqualTo(1);
            assertThat(server.stats().droppedNoPermission()).isEqualTo(3);

            quic.send("to friend");
            assertThat(receive(friend)).isEqualTo("to friend");

            // NAT rebinding: same IP, new port — replies follow it
            try (DatagramChannel rebound = plainSocket(LOOPBACK)) {
                send(rebound, "rebound", relay.relayedAddress());
                assertThat(quic.receive()).isEqualTo("rebound");
                assertThat(relay.peer()).isEqualTo(rebound.getLocalAddress());
                quic.send("to rebound");
                assertThat(receive(rebound)).isEqualTo("to rebound");
            }

            // control: once permitted, the other IP gets through
            relay.permit(other);
            send(stranger, "now permitted", relay.relayedAddress());
            assertThat(quic.receive()).isEqualTo("now permitted");
        } finally {
            relay.quicChannel().close(); // QUIC's part: a session closes its socket when it ends
        }
    }

    @Test
    void aGsoBatchFromQuicReachesThePeerAsItsSeparateDatagrams() throws Exception {
        assumeTrue(io.netty.channel.epoll.SegmentedDatagramPacket.isSupported()
                && !"nio".equals(System.getProperty("peerlink.secure.quicTransport")), "no UDP GSO (epoll) here");
        relay = RelayPath.open(QUIC, server.udpAddress(), CREDS, Duration.ofSeconds(5));
        relay.permit(LOOPBACK);
        RawQuic quic = new RawQuic(relay);
        try (DatagramChannel peer = plainSocket(LOOPBACK)) {
            send(peer, "hello", relay.relayedAddress());
            assertThat(quic.receive()).isEqualTo("hello");
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.channel().isPresent()); // ChannelData from here
            byte[] batch = random(1200 + 1200 + 500, 4); // two full segments and a short last one, as quiche sends
            relay.quicChannel().writeAndFlush(new io.netty.channel.epoll.SegmentedDatagramPacket(
                    Unpooled.wrappedBuffer(batch), 1200, relay.quicRemote())).syncUninterruptibly();
            for (int[] range : new int[][] {{0, 1200}, {1200, 2400}, {2400, 2900}}) {
                ByteBuffer b = ByteBuffer.allocate(2048);
                CompletableFuture.runAsync(() -> {
                    try {
                        peer.receive(b);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, r -> Thread.ofVirtual().start(r)).get(5, TimeUnit.SECONDS);
                assertThat(java.util.Arrays.copyOf(b.array(), b.position()))
                        .isEqualTo(java.util.Arrays.copyOfRange(batch, range[0], range[1]));
            }
            assertThat(relay.stats().packetsToPeer()).isEqualTo(3);
        } finally {
            relay.quicChannel().close();
        }
    }

    @Test
    void udpBlockedDeviceReachesTheRelayOverTls() throws Exception {
        server.close();
        server = startServer(new InetSocketAddress(LOOPBACK, 0), b -> b.tlsPort(0));
        try (DatagramChannel hole = plainSocket(LOOPBACK)) {
            // The grant's UDP server never answers (UDP dropped on the way); its turns: URL does.
            String blocked = Endpoints.format((InetSocketAddress) hole.getLocalAddress());
            RelayGrant grant = new RelayGrant(List.of(blocked), "alice", "wonderland", 600,
                    List.of("turns:" + Endpoints.format(server.tlsAddress())));
            long t0 = System.nanoTime();
            relay = RelayPath.open(QUIC, grant, Duration.ofSeconds(6));
            System.out.printf("[relay] UDP server silent, allocated over TLS after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        relay.permit(LOOPBACK);
        CompletableFuture<SecureSession> rs = QUIC.accept(relay.quicChannel(), r, p.publicIdentity(), FAST);
        CompletableFuture<SecureSession> ps = QUIC.connect(plainSocket(LOOPBACK), relay.relayedAddress(), p,
                r.publicIdentity(), FAST);
        SecureSession pSession = ps.get(20, TimeUnit.SECONDS);
        SecureSession rSession = rs.get(20, TimeUnit.SECONDS);
        echoStreams(rSession);
        byte[] msg = random(1 << 20, 4);
        SecureStream st = pSession.openStream();
        Thread w = Thread.ofVirtual().start(() -> writeAndFin(st.output(), msg));
        assertThat(sha256(st.input().readAllBytes())).isEqualTo(sha256(msg));
        w.join();
        assertThat(relay.stats().bytesToPeer()).isGreaterThan(1 << 20);
        assertThat(server.stats().allocationsActive()).isEqualTo(1);
        pSession.close();
        rSession.close();
    }

    @Test
    void openGivesUpAtItsTimeoutWhenNoServerAnswers() throws Exception {
        InetSocketAddress silent;
        try (DatagramChannel hole = plainSocket(LOOPBACK)) {
            silent = (InetSocketAddress) hole.getLocalAddress(); // bound, never answers
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> RelayPath.open(QUIC, silent, CREDS, Duration.ofMillis(700)))
                    .isInstanceOf(TurnTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** In QUIC's place at the end of the relay channel's pipeline: what arrives is queued, and it sends to quicRemote. */
    private static final class RawQuic extends io.netty.channel.SimpleChannelInboundHandler<DatagramPacket> {
        private final java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        private final RelayPath relay;

        RawQuic(RelayPath relay) {
            this.relay = relay;
            // on the loop and awaited, as QUIC joins: a datagram read before handlerAdded ran would pass it by
            relay.quicChannel().eventLoop().submit(() -> relay.quicChannel().pipeline().addLast("quic", this))
                    .syncUninterruptibly();
        }

        @Override
        protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx, DatagramPacket msg) {
            assertThat(msg.sender()).isEqualTo(relay.quicRemote()); // one fixed remote, whoever the peer is
            got.add(msg.content().toString(StandardCharsets.UTF_8));
        }

        void send(String text) {
            relay.quicChannel().writeAndFlush(new DatagramPacket(
                    Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), relay.quicRemote())).syncUninterruptibly();
        }

        String receive() throws InterruptedException {
            String s = got.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("a datagram within 5 s").isNotNull();
            return s;
        }
    }

    static DatagramChannel plainSocket(InetAddress ip) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        return c.bind(new InetSocketAddress(ip, 0));
    }

    private static void send(DatagramChannel from, String text, InetSocketAddress to) throws IOException {
        from.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), to);
    }

    /** Blocking receive with a 5 s bound (a background close ends it). */
    private static String receive(DatagramChannel c) throws Exception {
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
            ByteBuffer b = ByteBuffer.allocate(2048);
            try {
                c.receive(b);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        }, r -> Thread.ofVirtual().start(r));
        return got.get(5, TimeUnit.SECONDS);
    }

    static void writeAndFin(OutputStream out, byte[] data) {
        try {
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
            out.close();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Every stream the session accepts is echoed back whole, then finished. */
    static void echoStreams(SecureSession s) {
        s.onStream(st -> {
            try (st) {
                st.output().write(st.input().readAllBytes());
                st.output().close();
            } catch (IOException e) {
                st.reset();
            }
        });
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
