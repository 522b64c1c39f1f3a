package dev.peerlink.cast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cast flow's links and roles with byte-level media stand-ins (the RTMP endpoints have their own tests): who dials,
 * who opens the stream, the one-time token, a fresh code after each cast. Everything on loopback with a real
 * signalling server and real peers.
 */
class CastFlowTest {
    private static final byte[] PICTURE = "not really h264, but bytes that must arrive".getBytes(StandardCharsets.UTF_8);

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final List<CastEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void aPhoneThatReachesThePcDialsDirectlyAndPublishes() throws Exception {
        FakeReceiverMedia rxMedia = new FakeReceiverMedia();
        CastReceiver rx = receiver(null, rxMedia, null);
        FakeSenderMedia txMedia = new FakeSenderMedia();
        CastSender.Session s = CastSender.builder(DeviceIdentity.ephemeral(DeviceId.of("phone")))
                .code(rx.code()).media(txMedia).directTimeout(Duration.ofSeconds(10)).build().connect();

        assertThat(s.link().path()).isEqualTo("direct");
        assertThat(rxMedia.received.get(30, TimeUnit.SECONDS)).isEqualTo(PICTURE);
        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.event().equals("casting")
                && "direct".equals(e.path()) && "phone".equals(e.peer())));
    }

    @Test
    void afterACastEndsTheReceiverShowsAFreshCode() throws Exception {
        FakeReceiverMedia rxMedia = new FakeReceiverMedia();
        CastReceiver rx = receiver(null, rxMedia, null);
        String first = rx.code().toText();
        CastSender.Session s = CastSender.builder(DeviceIdentity.ephemeral(DeviceId.of("phone")))
                .code(rx.code()).media(new FakeSenderMedia()).directTimeout(Duration.ofSeconds(10)).build().connect();
        s.done().get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().filter(e -> e.event().equals("waiting")).count() == 2);
        assertThat(rx.code().toText()).isNotEqualTo(first);
        assertThat(events).anyMatch(e -> e.event().equals("ended"));
    }

    @Test
    void aPhoneThatCannotReachThePcGoesThroughTheServer() throws Exception {
        SignalServer server = server();
        FakeReceiverMedia rxMedia = new FakeReceiverMedia();
        Peer pc = peer(server, "pc", LadderConfig.defaults().withLoopback(true));
        CastReceiver rx = receiver(pc, rxMedia, List.of(deadAddress()));
        Peer phone = peer(server, "phone", LadderConfig.defaults().withLoopback(true));
        CastSender.Session s = CastSender.builder(phone.identity()).code(rx.code()).peer(() -> phone)
                .media(new FakeSenderMedia()).build().connect();

        assertThat(s.link().path()).isNotEqualTo("direct").isNotEqualTo("reverse");
        assertThat(rxMedia.received.get(30, TimeUnit.SECONDS)).isEqualTo(PICTURE);
    }

    @Test
    void onTheReversePathThePcDialsBackAndPlaysFromThePhone() throws Exception {
        SignalServer server = server();
        FakeReceiverMedia rxMedia = new FakeReceiverMedia();
        Peer pc = peer(server, "pc", LadderConfig.defaults().withLoopback(true));
        CastReceiver rx = receiver(pc, rxMedia, List.of(deadAddress()));
        Peer phone = peer(server, "phone", LadderConfig.defaults().withLoopback(true).withPaths(Set.of("reverse"))
                .withReverseAfter(Duration.ofMillis(100)));
        FakeSenderMedia txMedia = new FakeSenderMedia();
        CastSender.Session s = CastSender.builder(phone.identity()).code(rx.code()).peer(() -> phone)
                .media(txMedia).build().connect();

        assertThat(s.link().path()).isEqualTo("reverse");
        // the PC ran the client: it played what the phone's server side served
        assertThat(rxMedia.played.get(30, TimeUnit.SECONDS)).isEqualTo(PICTURE);
        assertThat(txMedia.served.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCodeWithAnotherTokenIsRefusedThroughTheServer() throws Exception {
        SignalServer server = server();
        Peer pc = peer(server, "pc", LadderConfig.defaults().withLoopback(true));
        CastReceiver rx = receiver(pc, new FakeReceiverMedia(), List.of(deadAddress()));
        Peer phone = peer(server, "phone", LadderConfig.defaults().withLoopback(true));
        PairingCode real = rx.code();
        PairingCode forged = new PairingCode(real.deviceId(), real.identity(), real.candidates(), PairingCode.newToken(),
                real.expiry());

        assertThatThrownBy(() -> CastSender.builder(phone.identity()).code(forged).peer(() -> phone)
                .media(new FakeSenderMedia()).build().connect())
                .isInstanceOf(CastException.class).hasMessageContaining("wrong token");
        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.event().equals("refused")));
    }

    @Test
    void aDeviceTheReceiverAllowsCastsByIdWithoutACode() throws Exception {
        SignalServer server = server();
        FakeReceiverMedia rxMedia = new FakeReceiverMedia();
        Peer pc = peer(server, "pc", LadderConfig.defaults().withLoopback(true));
        CastReceiver rx = CastReceiver.builder(pc.identity()).peer(pc).media(rxMedia)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).allow(List.of("phone")).onEvent(events::add).start();
        open.add(rx);
        String code = rx.code().toText();
        Peer phone = peer(server, "phone", LadderConfig.defaults().withLoopback(true));
        CastSender.Session s = CastSender.builder(phone.identity()).target("pc").peer(() -> phone)
                .media(new FakeSenderMedia()).build().connect();

        assertThat(s.link().peerId()).isEqualTo("pc");
        assertThat(rxMedia.received.get(30, TimeUnit.SECONDS)).isEqualTo(PICTURE);
        // it took the receiver's one cast: the shown code is spent and replaced once the cast ends
        s.done().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> !rx.code().toText().equals(code));
    }

    @Test
    void aDeviceTheReceiverDoesNotAllowCannotCastWithoutACode() throws Exception {
        SignalServer server = server();
        Peer pc = peer(server, "pc", LadderConfig.defaults().withLoopback(true));
        receiver(pc, new FakeReceiverMedia(), null);
        Peer stranger = peer(server, "stranger", LadderConfig.defaults().withLoopback(true));

        assertThatThrownBy(() -> CastSender.builder(stranger.identity()).target("pc").peer(() -> stranger)
                .media(new FakeSenderMedia()).build().connect())
                .isInstanceOf(CastException.class).hasMessageContaining("--allow");
        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.event().equals("refused")));
    }

    @Test
    void aDirectDialWithoutAServerFailsWithAClearMessage() throws Exception {
        CastReceiver rx = receiver(null, new FakeReceiverMedia(), List.of(deadAddress()));
        assertThatThrownBy(() -> CastSender.builder(DeviceIdentity.ephemeral(DeviceId.of("phone"))).code(rx.code())
                .media(new FakeSenderMedia()).build().connect())
                .isInstanceOf(CastException.class).hasMessageContaining("cannot reach pc");
    }

    // --- fixtures ---

    private CastReceiver receiver(Peer peer, ReceiverMedia media, List<InetSocketAddress> advertise) throws IOException {
        CastReceiver.Builder b = CastReceiver.builder(peer != null ? peer.identity() : DeviceIdentity.ephemeral(DeviceId.of("pc")))
                .peer(peer).media(media).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).onEvent(events::add);
        if (advertise != null) {
            b.advertise(advertise);
        }
        CastReceiver rx = b.start();
        open.add(rx);
        return rx;
    }

    private SignalServer server() throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build(),
                List.of(), id -> Optional.empty());
        open.add(s);
        return s;
    }

    private Peer peer(SignalServer server, String id, LadderConfig ladder) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(server.url()).discovery(false)
                .ladder(ladder).backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        open.add(p);
        p.start().get(30, TimeUnit.SECONDS); // generous: a loaded CI machine
        return p;
    }

    /** A loopback port nobody listens on: dialling it is refused at once. */
    private static InetSocketAddress deadAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    /** Receiver side: a "server" that collects what a publisher sends; a "client" that reads what it is served. */
    private final class FakeReceiverMedia implements ReceiverMedia {
        final CompletableFuture<byte[]> received = new CompletableFuture<>();
        final CompletableFuture<byte[]> played = new CompletableFuture<>();
        private final ServerSocket server;

        FakeReceiverMedia() throws IOException {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            open.add(server);
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    received.complete(s.getInputStream().readAllBytes());
                } catch (IOException e) {
                    received.completeExceptionally(e);
                }
            });
        }

        @Override
        public InetSocketAddress admitPublisher() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        @Override
        public CompletableFuture<Void> playFrom(InetSocketAddress via, String key) {
            return CompletableFuture.runAsync(() -> {
                try (Socket s = new Socket(via.getAddress(), via.getPort())) {
                    s.getOutputStream().write(("play " + key + "\n").getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    played.complete(s.getInputStream().readAllBytes());
                } catch (IOException e) {
                    played.completeExceptionally(e);
                    throw new RuntimeException(e);
                }
            });
        }
    }

    /** Sender side: publishing writes the picture; serving answers a "play" line with the picture. */
    private final class FakeSenderMedia implements SenderMedia {
        final CompletableFuture<Boolean> served = new CompletableFuture<>();
        private final ServerSocket server;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();

        FakeSenderMedia() throws IOException {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            open.add(server);
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    int c;
                    while ((c = in.read()) >= 0 && c != '\n') {
                        line.write(c);
                    }
                    served.complete(line.toString(StandardCharsets.US_ASCII).equals("play " + CastReceiver.KEY));
                    s.getOutputStream().write(PICTURE);
                    s.shutdownOutput();
                    in.readAllBytes();
                } catch (IOException e) {
                    served.completeExceptionally(e);
                }
            });
        }

        @Override
        public CompletableFuture<Void> publishTo(InetSocketAddress via, String key) {
            return CompletableFuture.runAsync(() -> {
                try (Socket s = new Socket(via.getAddress(), via.getPort())) {
                    s.getOutputStream().write(PICTURE);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }

        @Override
        public InetSocketAddress admitPlayer() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        @Override
        public CompletableFuture<Void> finished() {
            return finished;
        }
    }
}
